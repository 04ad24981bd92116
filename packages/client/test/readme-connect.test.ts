// -- example start
import { getResources, isServer } from "@effect-plex/client/Resource"
import { connect } from "@effect-plex/client/ServerConnection"
import { getTransientToken } from "@effect-plex/client/TransientToken"
import { Effect } from "effect"

const program = Effect.gen(function*() {
  const [server] = (yield* getResources()).filter(isServer) // includeHttps and includeRelay by default
  const connected = yield* connect(server!, { graceWindow: "250 millis", probeTimeout: "5 seconds" })
  // connected.connection is the winner; connected.probes has each candidate's latency or failure
  return yield* getTransientToken().pipe(Effect.provide(connected.credentials))
})
// -- example end

import { PlexFake } from "@effect-plex/testing"
import { assert, it } from "@effect/vitest"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as PlexCredentials from "../src/PlexCredentials.js"
import { exampleOf, readmeText } from "./support/readme.js"

it.effect("README: find a server and reach it", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.PlexFake
    const token = yield* fake.issueToken("demo")
    const running = yield* Effect.fork(
      program.pipe(Effect.provide(PlexCredentials.layer({ clientIdentifier: "readme-connect", token })))
    )
    for (let i = 0; i < 10; i++) yield* TestClock.adjust("50 millis")
    const transient = yield* Fiber.join(running)
    assert.match(Redacted.value(transient.token), /^transient-/)
    assert.include(readmeText(), exampleOf(import.meta.url))
  }).pipe(Effect.provide(Layer.fresh(PlexFake.layer()))))
