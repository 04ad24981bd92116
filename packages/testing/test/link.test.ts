/**
 * `Pin.link`: a signed-in app approves the code a TV shows, and the TV's wait
 * ends with a token of that account. Over the in-memory fake and over
 * `PlexFake.serve` with fetch.
 */
import * as Pin from "@effect-plex/client/Pin"
import { type InvalidCredentials, PlexCredentials } from "@effect-plex/client/PlexCredentials"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import type { Redacted } from "effect"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import * as PlexFake from "../src/PlexFake.js"

const tv = (fake: PlexFake.PlexFakeService) =>
  PlexCredentials.layer({ clientIdentifier: "living-room-tv", plexTvUrl: fake.plexTvUrl })
const phone = (fake: PlexFake.PlexFakeService, token?: Redacted.Redacted<string>) =>
  PlexCredentials.layer({ clientIdentifier: "phone-app", plexTvUrl: fake.plexTvUrl, token })

const scenario = (
  fake: PlexFake.PlexFakeService,
  http: Layer.Layer<HttpClient.HttpClient>,
  wait: (
    fiber: Fiber.Fiber<Redacted.Redacted<string>, Pin.PinError | InvalidCredentials>
  ) => Effect.Effect<Redacted.Redacted<string>, Pin.PinError | InvalidCredentials>
) =>
  Effect.gen(function*() {
    const pin = yield* Pin.createPin({ strong: false }).pipe(Effect.provide(Layer.merge(tv(fake), http)))
    const waiting = yield* Effect.fork(Pin.waitForToken(pin).pipe(Effect.provide(Layer.merge(tv(fake), http))))
    const signedIn = yield* fake.issueToken("demo")
    yield* Pin.link(pin.code.toLowerCase()).pipe(Effect.provide(Layer.merge(phone(fake, signedIn), http)))
    const token = yield* wait(waiting)
    const account = yield* getTokenDetails().pipe(
      Effect.provide(
        Layer.merge(
          PlexCredentials.layer({ clientIdentifier: "living-room-tv", plexTvUrl: fake.plexTvUrl, token }),
          http
        )
      )
    )
    assert.strictEqual(Option.getOrThrow(account.username), "demo")

    const entry = (yield* fake.journal).find((e) => e.path === "/api/v2/pins/link")!
    assert.strictEqual(entry.method, "PUT")
    assert.strictEqual(entry.status, 204)
    assert.strictEqual(entry.headers["x-plex-product"], "Plex SSO")
    assert.strictEqual(entry.body, "code=<redacted>")

    // A code used once, or never shown: 404, and the code stays out of the error.
    const reused = yield* Effect.flip(
      Pin.link(pin.code).pipe(Effect.provide(Layer.merge(phone(fake, signedIn), http)))
    )
    assert.deepStrictEqual([reused._tag, reused._tag === "UnexpectedStatus" && reused.status], [
      "UnexpectedStatus",
      404
    ])
    for (const text of [reused.message, String(reused), JSON.stringify(reused)]) assert.notInclude(text, pin.code)

    // Not signed in: nothing is sent.
    const before = (yield* fake.journal).length
    const missing = yield* Effect.flip(Pin.link("ABCD").pipe(Effect.provide(Layer.merge(phone(fake), http))))
    assert.strictEqual(missing._tag, "MissingCredential")
    assert.strictEqual((yield* fake.journal).length, before)
  })

describe("Pin.link approves another device's code", () => {
  it.effect("over the in-memory fake, on the TestClock", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.PlexFake
      const inMemory = Layer.succeed(HttpClient.HttpClient, yield* HttpClient.HttpClient)
      yield* scenario(fake, inMemory, (fiber) => Effect.zipRight(TestClock.adjust("2 seconds"), Fiber.join(fiber)))
    }).pipe(Effect.provide(PlexFake.layer())))

  it.scopedLive("over PlexFake.serve with fetch", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve()
      yield* scenario(fake, FetchHttpClient.layer, Fiber.join)
    }))
})
