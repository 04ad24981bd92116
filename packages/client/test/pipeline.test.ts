import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Exit, Logger, LogLevel, Option, Redacted, Schema } from "effect"
import * as util from "node:util"
import { getPin } from "../src/Pin.js"
import {
  DeadlineExceeded,
  errors,
  isPlexError,
  RateLimited,
  Timeout,
  TransportError,
  TypeId,
  Unauthorized
} from "../src/PlexError.js"
import { getResources } from "../src/Resource.js"
import * as Retry from "../src/Retry.js"
import { postUsersSignInData } from "../src/SignIn.js"
import { getSourceConnectionInformation } from "../src/SourceConnection.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { getTransientToken } from "../src/TransientToken.js"
import { UserPlexAccount } from "../src/UserPlexAccount.js"
import { readRealWorld } from "./support/fixtures.js"
import { outcome } from "./support/outcome.js"
import { provide, userBody } from "./support/plex.js"
import { capturingLogger, recordingTracer } from "./support/recording.js"
import { json, scripted } from "./support/scriptedHttp.js"

const account = JSON.parse(userBody)

/** Runs `self` with its warnings and spans captured. */
const observed = <A, E, R>(self: Effect.Effect<A, E, R>) => {
  const { lines, logger } = capturingLogger()
  const { spans, tracer } = recordingTracer()
  return Effect.map(
    self.pipe(
      Effect.withTracer(tracer),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Warning),
      Effect.exit
    ),
    (exit) => ({ exit, lines, spans })
  )
}

describe("the tolerant reader: one odd field does not sink a call", () => {
  it.effect("getTokenDetails leaves out what does not decode, and says so once, by path, never by value", () =>
    Effect.gen(function*() {
      const body = {
        ...account,
        scrobbleTypes: 10,
        pin: 1234,
        joinedAt: "never",
        services: [{ endpoint: "https://x" }, ...account.services],
        subscriptions: [{ id: 1, mode: "lifetime", renewsAt: "2026-01-02T03:04:05Z", state: "active" }]
      }
      const http = scripted(json(200, body))
      const { exit, lines, spans } = yield* observed(getTokenDetails().pipe(provide(http.layer)))
      assert.isTrue(Exit.isSuccess(exit))
      if (!Exit.isSuccess(exit)) return
      const value = exit.value
      assert.strictEqual(Redacted.value(value.authToken), "auth_token")
      assert.isTrue(Option.isNone(value.scrobbleTypes))
      assert.isTrue(Option.isNone(value.pin))
      assert.isTrue(Option.isNone(value.joinedAt))
      assert.deepStrictEqual(value.services.map((s) => s.identifier), account.services.map((s: any) => s.identifier))
      // A timestamp as ISO text decodes like epoch seconds do.
      assert.isTrue(Option.isSome(value.subscriptions[0]!.renewsAt))

      const warnings = lines.filter((line) => line.includes(`"logLevel":"WARN"`))
      assert.strictEqual(warnings.length, 1)
      for (
        const path of [
          "scrobbleTypes",
          "pin",
          "joinedAt Expected Unix seconds or milliseconds, or a date as text",
          "services.0 identifier is missing"
        ]
      ) {
        assert.include(warnings[0]!, path)
      }
      for (const value of ["1234", "never", "10,"]) assert.notInclude(lines.join("\n"), value)
      const span = spans.find((s) => s.name === "plex.getTokenDetails")!
      assert.deepStrictEqual(
        span.events.filter((e: any) => e.eventName === "plex.field_ignored").map((e: any) =>
          `${e.attributes["plex.field.path"]}: ${e.attributes["plex.field.problem"]}`
        ).sort(),
        [
          "joinedAt: Expected Unix seconds or milliseconds, or a date as text",
          "pin: Expected string",
          "scrobbleTypes: Expected string",
          "services.0: identifier is missing"
        ]
      )
      assert.notInclude(util.inspect(span.events, { depth: Infinity }), "1234")
    }))

  it.effect("sign-in keeps the token plex.tv minted, whatever else the account body gets wrong", () =>
    Effect.gen(function*() {
      const http = scripted(json(201, { ...account, pin: 1234, profile: "odd", newRegistration: 0, trials: 5 }))
      const signedIn = yield* postUsersSignInData({ login: "me", password: "pw" }).pipe(provide(http.layer))
      assert.strictEqual(Redacted.value(signedIn.authToken), "auth_token")
      assert.isTrue(Option.isNone(signedIn.profile))
      assert.deepStrictEqual(signedIn.trials, [])
      assert.strictEqual(http.requests.length, 1)
    }))

  it.effect("a resource or source connection without uri is left out of the list, the rest is kept", () =>
    Effect.gen(function*() {
      const resources = JSON.parse(readRealWorld("plextv-resources.plex-api-rs.json"))
      const connections = resources[0].connections
      const { uri: _, ...noUri } = connections[0]
      const http = scripted(json(200, [{ ...resources[0], connections: [noUri, ...connections.slice(1)] }]))
      const [server] = yield* getResources().pipe(provide(http.layer))
      assert.deepStrictEqual(server!.connections.map((c) => c.uri), connections.slice(1).map((c: any) => c.uri))

      const source = scripted(json(200, {
        MediaContainer: {
          Device: { clientIdentifier: "abc", accessToken: "t", Connection: [{ local: 1 }, { uri: "http://a:1" }] }
        }
      }))
      const device = yield* getSourceConnectionInformation({ source: "server://abc" }).pipe(provide(source.layer))
      assert.deepStrictEqual(device.connections.map((c) => c.uri), ["http://a:1"])
    }))

  it.effect("PIN booleans and timestamps accept every form their kind accepts", () =>
    Effect.gen(function*() {
      const pin = JSON.parse(readRealWorld("plextv-pins.linked.plex-api-rs.json"))
      const http = scripted(json(200, { ...pin, newRegistration: 0, expiresAt: 1900000000 }))
      const decoded = yield* getPin(pin.id).pipe(provide(http.layer))
      assert.deepStrictEqual(decoded.newRegistration, Option.some(false))
      assert.isTrue(Option.isSome(decoded.expiresAt))
    }))

  it.effect("an essential field that does not decode still fails the call, naming its path and not its value", () =>
    Effect.gen(function*() {
      for (const [field, value] of [["authToken", 12345], ["id", "x1"], ["uuid", null]] as const) {
        const http = scripted(json(200, { ...account, [field]: value }))
        const error = yield* Effect.flip(getTokenDetails().pipe(provide(http.layer)))
        assert.strictEqual(outcome(error), "BodyError(SchemaMismatch)")
        if (error._tag !== "BodyError") continue
        assert.deepStrictEqual(error.issues?.map((i) => i.path), [field])
        assert.notInclude(error.message, String(value))
      }
      const token = scripted(json(200, { MediaContainer: { size: 0 } }))
      assert.strictEqual(
        outcome(yield* Effect.flip(getTransientToken().pipe(provide(token.layer)))),
        "BodyError(SchemaMismatch)"
      )
    }))

  it("Schema.decodeUnknown of the classes stays strict, for callers who want that", () => {
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(UserPlexAccount)({ ...account, scrobbleTypes: 10 })))
  })
})

describe("the per-attempt timeout", () => {
  it.live("fails with Timeout under the live clock, and aborts the request", () =>
    Effect.gen(function*() {
      const http = scripted({ hang: true })
      const error = yield* Effect.flip(
        getTokenDetails().pipe(Retry.withAttemptTimeout("50 millis"), provide(http.layer))
      )
      assert.strictEqual(error._tag, "Timeout")
      assert.strictEqual(http.aborted.count, 1)
    }))
})

describe("one list of errors", () => {
  it("derives the guard from the list, by a TypeId that another copy of the package shares", () => {
    for (const [tag, Error] of Object.entries(errors)) {
      assert.strictEqual(Error.prototype._tag ?? tag, tag)
    }
    const error = new Unauthorized({ operation: "getTokenDetails", status: 401, errors: [] })
    assert.isTrue(isPlexError(error))
    assert.isTrue(isPlexError({ [Symbol.for("@effect-plex/client/PlexError")]: TypeId, _tag: "Unauthorized" }))
    assert.isFalse(isPlexError({ _tag: "Unauthorized", operation: "x" }))
    assert.isFalse(isPlexError(new Error("x")))
    assert.notInclude(util.inspect(error), "PlexError)")
  })

  it.live("DeadlineExceeded carries the operation", () =>
    Effect.gen(function*() {
      const http = scripted({ hang: true })
      const error = yield* Effect.flip(
        getTokenDetails().pipe(Retry.retry({ deadline: "30 millis" }), provide(http.layer))
      )
      assert.instanceOf(error, DeadlineExceeded)
      assert.isTrue(isPlexError(error))
      assert.strictEqual(error.operation, "getTokenDetails")
      assert.match(error.message, /^getTokenDetails: /)
    }))

  it("errors round-trip through JSON with their Options and Durations", () => {
    const limited = new RateLimited({
      operation: "getTokenDetails",
      status: 429,
      errors: [],
      retryAfter: Option.some(Schema.decodeSync(Schema.DurationFromMillis)(1500))
    })
    const timeout = new Timeout({ operation: "signIn", timeout: Schema.decodeSync(Schema.DurationFromMillis)(30_000) })
    for (const [schema, error] of [[RateLimited, limited], [Timeout, timeout]] as const) {
      const wire = JSON.parse(JSON.stringify(Schema.encodeSync(schema as Schema.Schema<any, any>)(error)))
      assert.deepStrictEqual(Schema.decodeUnknownSync(schema as Schema.Schema<any, any>)(wire), error)
    }
  })

  it.effect("sign-in's errors say it is not idempotent, which is what the retry policy reads", () =>
    Effect.gen(function*() {
      const http = scripted({ transport: "ECONNRESET" })
      const error = yield* Effect.flip(postUsersSignInData({ login: "me", password: "pw" }).pipe(provide(http.layer)))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.idempotent, false)
      assert.strictEqual(error.operation, postUsersSignInData.name)
      const other = yield* Effect.flip(getTokenDetails().pipe(provide(scripted({ transport: "ECONNRESET" }).layer)))
      assert.isUndefined((other as TransportError).idempotent)
    }))
})
