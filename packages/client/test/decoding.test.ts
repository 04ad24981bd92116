import { assert, describe, it } from "@effect/vitest"
import {
  DateTime,
  Effect,
  Either,
  Equal,
  Fiber,
  Logger,
  Option,
  ParseResult,
  Redacted,
  Schema,
  TestClock
} from "effect"
import { compile } from "../src/internal/compiler.js"
import { Pin, waitForToken } from "../src/Pin.js"
import { getResources, Resource } from "../src/Resource.js"
import { SourceDevice } from "../src/SourceConnection.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { TransientToken, TransientTokenContainer } from "../src/TransientToken.js"
import { UserPlexAccount, UserProfile } from "../src/UserPlexAccount.js"
import { readRealWorld, realWorldFiles } from "./support/fixtures.js"
import { exampleOf, loadSpec, responseSchema } from "./support/openapi.js"
import { outcome } from "./support/outcome.js"
import { credentials, provide } from "./support/plex.js"
import { specExamples } from "./support/responses.js"
import { scripted } from "./support/scriptedHttp.js"

const decodeOk = <A, I>(schema: Schema.Schema<A, I>, input: unknown, label: string): A => {
  const result = Schema.decodeUnknownEither(schema)(input, { errors: "all" })
  if (Either.isLeft(result)) assert.fail(`${label}: ${result.left.message}`)
  return result.right
}

const decoders: ReadonlyArray<[prefix: string, check: (json: unknown, file: string) => void]> = [
  ["plextv-user.", (json, file) => {
    const account = decodeOk(UserPlexAccount, json, file)
    assert.isTrue(account.id > 0)
    assert.match(account.uuid, /^[0-9a-f]{16}$/)
    assert.strictEqual(Redacted.value(account.authToken), "auth_token")
  }],
  ["plextv-pins.", (json, file) => {
    const pin = decodeOk(Pin, json, file)
    assert.strictEqual(pin.code, "CODE")
    assert.isTrue(Option.isSome(pin.expiresAt))
  }],
  ["plextv-resources.", (json, file) => {
    const [server] = decodeOk(Schema.Array(Resource), json, file)
    assert.strictEqual(server!.connections.filter((c) => c.relay).length, 1)
    assert.isTrue(Option.isNone(server!.ownerId))
  }]
]

describe("recorded real-world bodies", () => {
  it("every JSON file has a decoder", () => {
    for (const file of realWorldFiles(".json")) {
      assert.isTrue(
        file.startsWith("plextv-error.") || decoders.some(([prefix]) => file.startsWith(prefix)),
        `no decoder for ${file}`
      )
    }
  })

  for (const file of realWorldFiles(".json").filter((f) => !f.startsWith("plextv-error."))) {
    it(`decodes ${file}`, () => {
      const [, check] = decoders.find(([prefix]) => file.startsWith(prefix))!
      check(JSON.parse(readRealWorld(file)), file)
    })
  }

  for (const file of realWorldFiles(".json").filter((f) => f.startsWith("plextv-error."))) {
    it.effect(`reads Plex's error code from ${file}`, () =>
      Effect.gen(function*() {
        const [, code] = /plextv-error\.(\d+)-.*/.exec(file)!
        const httpStatus = code === "1000" ? 400 : 401
        const error = yield* getTokenDetails().pipe(
          provide(scripted({ status: httpStatus, body: readRealWorld(file) }).layer),
          Effect.flip
        )
        assert.isTrue(error._tag === "BadRequest" || error._tag === "Unauthorized")
        if (error._tag !== "BadRequest" && error._tag !== "Unauthorized") return
        assert.deepStrictEqual(error.errors.map((e) => Option.getOrNull(e.code)), [Number(code)])
      }))
  }

  for (const file of realWorldFiles(".xml")) {
    it.effect(`answers ${file}, served as 200, with the typed non-JSON error`, () =>
      Effect.gen(function*() {
        const error = yield* getTokenDetails().pipe(
          provide(
            scripted({ status: 200, body: readRealWorld(file), headers: { "content-type": "application/xml" } }).layer
          ),
          Effect.flip
        )
        assert.strictEqual(outcome(error), "BodyError(NotJson)")
        if (error._tag === "BodyError") assert.strictEqual(error.contentType, "application/xml")
      }))
  }

  it("tolerates the quirks the fixtures README lists", () => {
    const guest = decodeOk(
      UserPlexAccount,
      JSON.parse(readRealWorld("plextv-user.free-guest.plex-api-rs.json")),
      "guest"
    )
    assert.isTrue(Option.isNone(guest.mailingListStatus))
    assert.isTrue(Option.isNone(guest.rememberExpiresAt))
    assert.deepStrictEqual(guest.username, Option.some(""))
    const plexpass = decodeOk(
      UserPlexAccount,
      JSON.parse(readRealWorld("plextv-user.plexpass.plex-api-rs.json")),
      "plexpass"
    )
    assert.deepStrictEqual(plexpass.scrobbleTypes, Option.some("10"))
    assert.deepStrictEqual(Option.map(plexpass.joinedAt, DateTime.toEpochMillis), Option.some(1339124759000))
    assert.isTrue(plexpass.subscriptions.length > 0)
    assert.deepStrictEqual(plexpass.subscriptions[0]!.mode, Option.some("lifetime"))
    assert.isTrue(plexpass.services.some((s) => Option.isNone(s.token)))
  })
})

describe("shapes newer than the June 2025 spec (plex-wire.md §7)", () => {
  const base = JSON.parse(readRealWorld("plextv-user.plexpass.plex-api-rs.json"))

  it("keeps profile values 2 and 3 and unknown enum strings instead of rejecting them", () => {
    const account = decodeOk(UserPlexAccount, {
      ...base,
      mailingListStatus: "removed",
      profile: {
        ...base.profile,
        autoSelectSubtitle: 2,
        defaultSubtitleForced: 3,
        watchedIndicator: 3,
        mediaReviewsVisibility: 7,
        defaultAudioAccessibility: 1
      },
      services: [{ identifier: "x", endpoint: "https://x", status: "degraded" }]
    }, "newer")
    const profile = Option.getOrThrow(account.profile)
    assert.deepStrictEqual(
      [profile.autoSelectSubtitle, profile.defaultSubtitleForced, profile.mediaReviewsVisibility],
      [Option.some(2), Option.some(3), Option.some(7)]
    )
    assert.deepStrictEqual(account.mailingListStatus, Option.some("removed"))
    assert.deepStrictEqual(account.services[0]!.status, Option.some("degraded"))
  })

  it("decodes booleans from 0/1 and true/false, and numbers from numeric strings", () => {
    const account = decodeOk(UserPlexAccount, {
      ...base,
      id: "12345",
      home: 1,
      guest: "0",
      twoFactorEnabled: "true",
      joinedAt: "1339124759"
    }, "lenient")
    assert.deepStrictEqual([account.id, account.home, account.guest, account.twoFactorEnabled], [
      12345,
      true,
      false,
      true
    ])
  })

  it("names the path of a missing identity field", () => {
    for (const field of ["id", "uuid", "authToken"]) {
      const { [field]: _, ...rest } = base
      const result = Schema.decodeUnknownEither(UserPlexAccount)(rest)
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) assert.include(result.left.message, `["${field}"]`)
    }
  })

  it("decodes the JSON transient token and source Device, with a lone Connection or a list", () => {
    const token = decodeOk(TransientToken, { size: 0, token: "transient-1" }, "token")
    assert.strictEqual(Redacted.value(token.token), "transient-1")
    const device = decodeOk(SourceDevice, {
      clientIdentifier: "c",
      accessToken: "t",
      Connection: { uri: "http://a:1", local: 1 }
    }, "device")
    assert.deepStrictEqual(device.connections.map((c) => [c.uri, c.local]), [["http://a:1", true]])
  })
})

describe("every example response of both OpenAPI specs", () => {
  for (const [file, route, method, status, schema] of specExamples) {
    it(`${file} ${method.toUpperCase()} ${route} ${status}`, () => {
      const spec = loadSpec(file)
      const response = responseSchema(spec, route, method, status)
      assert.isDefined(response, "the spec documents this response")
      decodeOk(schema, exampleOf(spec, response), `${file} ${route}`)
    })
  }
})

describe("the compiled account decoder", () => {
  it("gives exactly what Schema.decodeUnknown gives, for every recorded and spec body", () => {
    const compiled = compile(UserPlexAccount)
    const bodies = [
      ...realWorldFiles(".json").filter((f) => f.startsWith("plextv-user.")).map((f) => JSON.parse(readRealWorld(f))),
      exampleOf(
        loadSpec("plex-api-spec.yaml"),
        responseSchema(loadSpec("plex-api-spec.yaml"), "/users/signin", "post", "201")
      ),
      exampleOf(
        loadSpec("plex-api-spec-2026-01.yaml"),
        responseSchema(loadSpec("plex-api-spec-2026-01.yaml"), "/user", "get", "200")
      )
    ]
    const encode = Schema.encodeSync(UserPlexAccount)
    for (const body of bodies) {
      const fast = compiled(body)
      const viaSchema = Schema.decodeUnknownSync(UserPlexAccount)(body)
      assert.strictEqual(fast._tag, "Decoded")
      if (fast._tag !== "Decoded") return
      assert.deepStrictEqual(fast.ignored, [])
      assert.instanceOf(fast.value, UserPlexAccount)
      assert.deepStrictEqual(encode(fast.value), encode(viaSchema))
      assert.instanceOf(Option.getOrThrow(fast.value.profile), UserProfile)
      assert.isTrue(Equal.equals(Option.getOrThrow(fast.value.profile), Option.getOrThrow(viaSchema.profile)))
    }
  })

  // The tolerant reader (issue: one odd field must not sink a call) changed
  // this on purpose: only an essential field fails the decode, with Schema's
  // own paths; any other field that does not decode is left out and named.
  it("fails where Schema fails on an essential field, naming the same path; leaves out and names any other", () => {
    const base = JSON.parse(readRealWorld("plextv-user.free.plex-api-rs.json"))
    const paths = (e: ParseResult.ParseError) =>
      ParseResult.ArrayFormatter.formatErrorSync(e).map((i) => i.path.join("."))
    for (const broken of [{ ...base, id: undefined }, { ...base, uuid: 7 }, { ...base, authToken: null }]) {
      const fast = compile(UserPlexAccount)(broken)
      const slow = Schema.decodeUnknownEither(UserPlexAccount)(broken, { errors: "all" })
      assert.strictEqual(fast._tag, "Mismatch")
      assert.isTrue(Either.isLeft(slow))
      if (fast._tag === "Mismatch" && Either.isLeft(slow)) assert.deepStrictEqual(paths(fast.error), paths(slow.left))
    }
    for (
      const [broken, path] of [
        [{ ...base, profile: "x" }, "profile"],
        [{ ...base, services: [{ endpoint: 1 }] }, "services.0"]
      ] as const
    ) {
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(UserPlexAccount)(broken)))
      const fast = compile(UserPlexAccount)(broken)
      assert.strictEqual(fast._tag, "Decoded")
      if (fast._tag === "Decoded") assert.deepStrictEqual(fast.ignored.map((i) => i.path.join(".")), [path])
    }
  })
})

describe("getResources: devices are read one by one", () => {
  it.effect("a device that does not decode is left out with a warning naming it; the others come back", () =>
    Effect.gen(function*() {
      const server = {
        name: "Good Server",
        clientIdentifier: "good-server",
        provides: "server",
        accessToken: "resource-token",
        connections: [{ uri: "https://10-0-0-5.x.plex.direct:32400", local: true }]
      }
      const player = { name: "Broken Player", clientIdentifier: null, provides: "player", connections: [] }
      const http = scripted({ status: 200, body: JSON.stringify([player, server, { ...server, connections: "x" }]) })
      const warnings: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning") warnings.push(String(message))
      })
      const resources = yield* getResources().pipe(
        provide(http.layer),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
      assert.deepStrictEqual(resources.map((r) => [r.clientIdentifier, r.connections.length]), [
        ["good-server", 1],
        ["good-server", 0]
      ])
      assert.strictEqual(warnings.length, 1)
      assert.include(warnings[0]!, "getResources: left out fields that did not decode: 0 clientIdentifier")
      assert.include(warnings[0]!, "2.connections")
      assert.notInclude(warnings[0]!, "resource-token")
    }))
})

describe("an empty essential value is no value", () => {
  const base = JSON.parse(readRealWorld("plextv-user.free.plex-api-rs.json"))
  it("an account with an empty authToken or uuid, a transient token of \"\", a device accessToken of \"\": mismatches", () => {
    for (
      const [schema, body, path] of [
        [UserPlexAccount, { ...base, authToken: "" }, "authToken"],
        [UserPlexAccount, { ...base, uuid: "" }, "uuid"],
        [TransientTokenContainer, { MediaContainer: { size: 0, token: "" } }, "MediaContainer.token"],
        [SourceDevice, { clientIdentifier: "abc", accessToken: "", Connection: [] }, "accessToken"]
      ] as const
    ) {
      const decoded = compile(schema as Schema.Schema<unknown, unknown, never>)(body)
      assert.strictEqual(decoded._tag, "Mismatch", path)
      if (decoded._tag === "Mismatch") {
        assert.include(ParseResult.ArrayFormatter.formatErrorSync(decoded.error).map((i) => i.path.join(".")), path)
      }
    }
  })

  it.effect("a PIN whose authToken is \"\" is not yet claimed: waitForToken goes on, and ends with the real token", () =>
    Effect.gen(function*() {
      const pin = { id: 7, code: "abcd", clientIdentifier: credentials.clientIdentifier }
      const http = scripted(
        { status: 200, body: JSON.stringify({ ...pin, authToken: "" }) },
        { status: 200, body: JSON.stringify({ ...pin, authToken: "" }) },
        { status: 200, body: JSON.stringify({ ...pin, authToken: "pin-token-1234" }) }
      )
      const waiting = yield* Effect.fork(
        waitForToken(Schema.decodeUnknownSync(Pin)(pin)).pipe(provide(http.layer))
      )
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual(Redacted.value(yield* Fiber.join(waiting)), "pin-token-1234")
      assert.strictEqual(http.requests.length, 3)
    }))
})

describe("timestamps, in every form Plex writes them", () => {
  const decode = Schema.decodeUnknownSync(Pin)
  const expiresAt = (value: unknown) =>
    Option.map(decode({ id: 1, code: "abcd", expiresAt: value }).expiresAt, DateTime.formatIso)
  it("seconds and milliseconds (told apart by magnitude), fractions, numeric strings, ISO and Plex's XML text", () => {
    for (
      const [value, iso] of [
        [1695081600, "2023-09-19T00:00:00.000Z"],
        [1695081600000, "2023-09-19T00:00:00.000Z"],
        [1695081600.25, "2023-09-19T00:00:00.250Z"],
        ["1695081600", "2023-09-19T00:00:00.000Z"],
        ["1695081600000", "2023-09-19T00:00:00.000Z"],
        ["1695081600.5", "2023-09-19T00:00:00.500Z"],
        ["2023-09-19T00:00:00Z", "2023-09-19T00:00:00.000Z"],
        ["2023-09-19 00:00:00 UTC", "2023-09-19T00:00:00.000Z"],
        ["2023-09-19 12:34:56.789 UTC", "2023-09-19T12:34:56.789Z"]
      ] as const
    ) {
      assert.deepStrictEqual(expiresAt(value), Option.some(iso), String(value))
    }
  })

  it("a subscription's subscribedAt, as ISO text or as an epoch number, is a DateTime", () => {
    for (const value of ["2023-09-19T00:00:00Z", 1695081600, "2023-09-19 00:00:00 UTC"]) {
      const account = Schema.decodeUnknownSync(UserPlexAccount)({
        id: 1,
        uuid: "0123456789abcdef",
        authToken: "tok",
        subscription: { active: true, subscribedAt: value },
        subscriptions: [{ id: 1, subscribedAt: value }]
      })
      const iso = (o: Option.Option<DateTime.Utc>) => Option.map(o, DateTime.formatIso)
      const subscribedAt = Option.flatMap(account.subscription, (subscription) => subscription.subscribedAt)
      assert.deepStrictEqual(iso(subscribedAt), Option.some("2023-09-19T00:00:00.000Z"))
      assert.deepStrictEqual(iso(account.subscriptions[0]!.subscribedAt), Option.some("2023-09-19T00:00:00.000Z"))
    }
  })

  it.effect("a PIN whose only expiry is Plex's XML text is bounded by it", () =>
    Effect.gen(function*() {
      const pin = { id: 7, code: "abcd", clientIdentifier: credentials.clientIdentifier }
      const http = scripted({ status: 200, body: JSON.stringify(pin) })
      const waiting = yield* Effect.fork(
        waitForToken(decode({ ...pin, expiresAt: "1970-01-01 00:00:05 UTC" })).pipe(provide(http.layer), Effect.flip)
      )
      yield* TestClock.adjust("6 seconds")
      assert.strictEqual((yield* Fiber.join(waiting))._tag, "PinExpired")
    }))
})
