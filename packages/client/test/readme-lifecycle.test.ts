// -- example start
import { ping, signOut, validate } from "@effect-plex/client/TokenLifecycle"
import { Effect } from "effect"

const keepAlive = ping() // refreshes the token
const end = signOut() // ends it for good
const check = validate().pipe(Effect.map((v) => v._tag)) // "Valid" | "Invalid" | "Unknown"
// -- example end

import { PlexFake } from "@effect-plex/testing"
import { assert, it } from "@effect/vitest"
import * as Layer from "effect/Layer"
import * as PlexCredentials from "../src/PlexCredentials.js"
import { exampleOf, readmeText } from "./support/readme.js"

it.effect("README: keep a token alive, end it, check it", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.PlexFake
    const app = PlexCredentials.layer({ clientIdentifier: "readme-lifecycle", token: yield* fake.issueToken("demo") })
    yield* keepAlive.pipe(Effect.provide(app))
    assert.strictEqual(yield* check.pipe(Effect.provide(app)), "Valid")
    yield* end.pipe(Effect.provide(app))
    assert.strictEqual(yield* check.pipe(Effect.provide(app)), "Invalid")
    assert.include(readmeText(), exampleOf(import.meta.url))
  }).pipe(Effect.provide(Layer.fresh(PlexFake.layer()))))
