// -- example start
import { Home, TokenDetails } from "@effect-plex/client"
import { Effect, Option, Redacted } from "effect"

// Signed in as the Home's admin: each member's own view, a PIN asked for only when a profile has one.
const eachMember = (pinOf: (user: Home.HomeUser) => Effect.Effect<Redacted.Redacted<string>>) =>
  Effect.gen(function*() {
    const users = yield* Home.getUsers()
    return yield* Effect.forEach(users.filter((user) => !user.admin), (user) =>
      Effect.gen(function*() {
        const pin = user.protected ? yield* pinOf(user) : undefined
        const { credentials } = yield* Home.switchUser(user, { pin })
        const me = yield* TokenDetails.getTokenDetails().pipe(Effect.provide(credentials))
        return Option.getOrElse(me.title, () => "?")
      }))
  })
// -- example end

import { PlexFake } from "@effect-plex/testing"
import { assert, it } from "@effect/vitest"
import * as Layer from "effect/Layer"
import * as PlexCredentials from "../src/PlexCredentials.js"
import { exampleOf, readmeText } from "./support/readme.js"

it.effect("README: act as each member of a Home", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.PlexFake
    const token = yield* fake.issueToken("parent")
    const titles = yield* eachMember(() => Effect.succeed(Redacted.make("4711"))).pipe(
      Effect.provide(PlexCredentials.layer({ clientIdentifier: "readme-home", token }))
    )
    assert.deepStrictEqual(titles, ["Kid", "Partner"])
    assert.include(readmeText(), exampleOf(import.meta.url))
  }).pipe(Effect.provide(Layer.fresh(PlexFake.layer({
    accounts: [
      { username: "parent", password: "pw-parent" },
      { username: "kid", password: "pw-kid", title: "Kid" },
      { username: "partner", password: "pw-partner", title: "Partner" }
    ],
    home: [{ username: "kid", managed: true }, { username: "partner", pin: "4711" }]
  })))))
