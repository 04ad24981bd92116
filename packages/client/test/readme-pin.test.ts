// -- example start
import * as Pin from "@effect-plex/client/Pin"
import { Console, Effect } from "effect"

const login = Effect.gen(function*() {
  const pin = yield* Pin.createPin() // strong; { strong: false } for plex.tv/link codes
  yield* Console.log(`Open ${yield* Pin.authAppUrl(pin, { forwardUrl: "https://my.app/done" })}`)
  return yield* Pin.waitForToken(pin) // polls every second, until expiresAt; interruptible
})
// -- example end

import { PlexFake } from "@effect-plex/testing"
import { assert, it, vi } from "@effect/vitest"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as PlexCredentials from "../src/PlexCredentials.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { exampleOf, readmeText } from "./support/readme.js"

it.effect("README: sign in with a PIN", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.PlexFake
    const printed: Array<string> = []
    const spy = vi.spyOn(console, "log").mockImplementation((line) => void printed.push(String(line)))
    const app = PlexCredentials.layer({ clientIdentifier: "readme-pin" })
    const waiting = yield* Effect.fork(
      login.pipe(Effect.provide(app), Effect.ensuring(Effect.sync(() => spy.mockRestore())))
    )
    yield* TestClock.adjust("1 second")
    const url = printed.find((line) => line.startsWith("Open "))!.slice("Open ".length)
    assert.include(url, "forwardUrl=https%3A%2F%2Fmy.app%2Fdone")
    yield* fake.claimPin(new URL(url.replace("#?", "?")).searchParams.get("code")!, "demo")
    yield* TestClock.adjust("1 second")
    const token = yield* Fiber.join(waiting)
    const account = yield* getTokenDetails().pipe(PlexCredentials.withToken(token), Effect.provide(app))
    assert.strictEqual(account.username._tag === "Some" && account.username.value, "demo")
    assert.include(readmeText(), exampleOf(import.meta.url))
  }).pipe(Effect.provide(Layer.fresh(PlexFake.layer()))))
