import { PlexFake } from "@effect-plex/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Logger, LogLevel, Redacted } from "effect"
import * as util from "node:util"
import * as Jwt from "../src/Jwt.js"
import * as Pin from "../src/Pin.js"
import * as PlexCredentials from "../src/PlexCredentials.js"
import * as Retry from "../src/Retry.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { getTransientToken } from "../src/TransientToken.js"
import { awaitAdvancing } from "./support/clock.js"
import { capturingLogger, recordingTracer } from "./support/recording.js"

/**
 * The fake, with every secret that crosses the wire noted: the classic token,
 * the device JWTs sent (body and query), and the Plex JWTs that come back.
 */
const watchedFake = Effect.gen(function*() {
  const fake = yield* PlexFake.PlexFake
  const seen = new Set<string>()
  const note = (value: unknown) => typeof value === "string" && value.length > 8 && seen.add(value)
  const readJson = (text: string) => {
    try {
      return JSON.parse(text) as Record<string, unknown>
    } catch {
      return {}
    }
  }
  const watched: PlexFake.PlexFakeService = {
    ...fake,
    handle: (request) =>
      Effect.tap(fake.handle(request), (response) => {
        note(request.headers["x-plex-token"])
        note(request.url.searchParams.get("deviceJWT"))
        note(readJson(request.body)["jwt"])
        if (response._tag === "Reply") {
          const body = readJson(response.body)
          note(body["auth_token"])
          note(body["authToken"])
        }
      })
  }
  return { fake, seen, http: Layer.succeed(HttpClient.HttpClient, PlexFake.httpClient(watched)) }
})

const faults: ReadonlyArray<readonly [string, PlexFake.Route | undefined, PlexFake.Fault | undefined]> = [
  ["no fault", undefined, undefined],
  ["the exchange echoes the device JWT", "exchangeJwt", PlexFake.Faults.echo],
  ["the exchange is dropped", "exchangeJwt", PlexFake.Faults.drop],
  ["the exchange breaks off mid-body", "exchangeJwt", PlexFake.Faults.breakBody],
  [
    "the exchange is 422",
    "exchangeJwt",
    PlexFake.Faults.status(422, { body: "{\"errors\":[{\"message\":\"nope\"}]}" })
  ],
  ["the keys are malformed", "jwtKeys", PlexFake.Faults.malformedBody],
  ["registration echoes the token", "registerKey", PlexFake.Faults.echo],
  ["the PIN poll echoes the device JWT", "getPin", PlexFake.Faults.echo],
  ["whoami echoes the Plex JWT", "user", PlexFake.Faults.echo]
]

describe("JWT secret hygiene: the private key and every JWT stay out of every channel", () => {
  for (const [name, route, fault] of faults) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const { fake, http, seen } = yield* watchedFake
        const { dump, tracer } = recordingTracer()
        const { lines, logger } = capturingLogger()
        const key = yield* Jwt.generateKey()
        const classic = yield* fake.issueToken("demo")
        const app = PlexCredentials.layer({ clientIdentifier: "hygiene", serverUrl: fake.serverUrl })
        const policy = Retry.makeTransient({ maxAttempts: 2 })
        const program = Effect.gen(function*() {
          if (route !== undefined && fault !== undefined) yield* fake.inject(route, fault, { times: 2 })
          yield* Effect.either(Jwt.registerKey(key).pipe(PlexCredentials.withToken(classic)))
          const pin = yield* Pin.createPin({ key })
          yield* fake.claimPin(pin.id, "demo")
          yield* Effect.either(Pin.waitForToken(pin, { schedule: undefined }))
          const layer = yield* Layer.memoize(Jwt.layer({ key, schedule: policy }).pipe(Layer.provide(app)))
          const whoami = getTokenDetails().pipe(Effect.provide(layer))
          yield* Effect.either(whoami)
          yield* fake.expireJwts
          yield* Effect.either(getTransientToken().pipe(Effect.provide(layer)))
          return yield* whoami
        }).pipe(
          Effect.provide(app),
          Effect.tap((value) => Effect.logInfo("value", value)),
          Effect.tapErrorCause((cause) => Effect.logError("failed", cause)),
          Effect.scoped,
          Effect.provide(http),
          Effect.withTracer(tracer),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        const exit = yield* awaitAdvancing(yield* Effect.fork(program), "10 seconds")

        const secrets = [Redacted.value(key.privateKey), ...seen]
        assert.isAtLeast(seen.size, 3, "the flow sent and received its tokens")
        const surfaces: Array<readonly [string, string]> = [
          ["spans", dump()],
          ...lines.map((line) => ["log", line] as const),
          ["journal", JSON.stringify(yield* fake.journal)]
        ]
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause)
          surfaces.push(
            ["message", (error as Error).message],
            ["String", String(error)],
            ["JSON", JSON.stringify(error)],
            ["inspect", util.inspect(error, { depth: Infinity, showHidden: true })],
            ["pretty cause", Cause.pretty(exit.cause)]
          )
        } else {
          surfaces.push(["value", util.inspect(exit.value, { depth: Infinity })], [
            "value JSON",
            JSON.stringify(exit.value)
          ])
        }
        surfaces.push(["key", util.inspect(key, { depth: Infinity }) + String(key) + JSON.stringify(key)])
        for (const [surface, text] of surfaces) {
          for (const secret of secrets) assert.notInclude(text, secret, `${surface} leaks a secret`)
        }
      }).pipe(Effect.provide(Layer.fresh(PlexFake.layer()))))
  }
})
