import { PlexFake } from "@effect-plex/testing"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { inspect } from "node:util"
import * as Home from "../src/Home.js"
import { PlexCredentials } from "../src/PlexCredentials.js"
import { getTokenDetails } from "../src/TokenDetails.js"

const household: PlexFake.PlexFakeOptions = {
  accounts: [
    { username: "parent", password: "pw-parent" },
    { username: "kid", password: "pw-kid", title: "Kid" },
    { username: "partner", password: "pw-partner", title: "Partner" }
  ],
  home: [{ username: "kid", managed: true, restricted: true }, { username: "partner", pin: "4711" }],
  homeSwitchBurst: 5
}

const app = (fake: PlexFake.PlexFakeService, token: Redacted.Redacted<string>) =>
  PlexCredentials.layer({ clientIdentifier: "home-tests", plexTvUrl: fake.plexTvUrl, token })

const withHome = <A, E>(
  body: (fake: PlexFake.PlexFakeService, admin: Redacted.Redacted<string>) => Effect.Effect<A, E, any>
) =>
  Effect.flatMap(
    PlexFake.PlexFake,
    (fake) =>
      Effect.flatMap(fake.issueToken("parent"), (admin) => body(fake, admin).pipe(Effect.provide(app(fake, admin))))
  ).pipe(Effect.provide(PlexFake.layer(household)))

describe("Home", () => {
  it.effect("lists the Home's users: the admin, a managed user without e-mail, a protected profile", () =>
    withHome(() =>
      Effect.gen(function*() {
        const users = yield* Home.getUsers()
        assert.deepStrictEqual(
          users.map((u) => [Option.getOrNull(u.title), u.admin, u.protected, u.restricted, Option.getOrNull(u.email)]),
          [
            ["parent", true, false, false, "parent@example.com"],
            ["Kid", false, false, true, null],
            ["Partner", false, true, false, "partner@example.com"]
          ]
        )
      })
    ))

  it.effect("switches to a user and acts as them with their own token", () =>
    withHome((fake, admin) =>
      Effect.gen(function*() {
        const kid = (yield* Home.getUsers()).find((u) => u.restricted)!
        const switched = yield* Home.switchUser(kid)
        assert.notStrictEqual(Redacted.value(switched.account.authToken), Redacted.value(admin))
        const me = yield* getTokenDetails().pipe(Effect.provide(switched.credentials))
        assert.strictEqual(Option.getOrNull(me.title), "Kid")
        assert.isTrue(Option.isNone(me.email))
        const journal = yield* fake.journal
        assert.isTrue(journal.some((e) => e.method === "POST" && e.path === `/api/v2/home/users/${kid.uuid}/switch`))
      })
    ))

  it.effect("a protected profile: no PIN or a wrong one is HomePinRequired, the right one switches; the PIN never shows", () =>
    withHome((fake) =>
      Effect.gen(function*() {
        const partner = (yield* Home.getUsers()).find((u) => u.protected)!
        const none = yield* Effect.flip(Home.switchUser(partner))
        assert.strictEqual(none._tag, "HomePinRequired")
        const wrong = yield* Effect.flip(Home.switchUser(partner, { pin: Redacted.make("9382") }))
        assert.strictEqual(wrong._tag, "HomePinRequired")
        for (const text of [wrong.message, String(wrong), JSON.stringify(wrong), inspect(wrong, { depth: 10 })]) {
          assert.notInclude(text, "9382")
        }
        const switched = yield* Home.switchUser(partner.uuid, { pin: "4711" })
        assert.strictEqual(Option.getOrNull(switched.account.title), "Partner")
        const entries = (yield* fake.journal).filter((e) => e.path.includes("/switch"))
        assert.isTrue(entries.every((e) => !e.path.includes("4711") && !e.path.includes("9382")))
        assert.isTrue(entries.some((e) => e.path.endsWith("?pin=<redacted>")))
      })
    ))

  it.effect("switching to many users quickly meets 429: RateLimited with Retry-After", () =>
    withHome(() =>
      Effect.gen(function*() {
        const kid = (yield* Home.getUsers()).find((u) => u.restricted)!
        for (let i = 0; i < 5; i++) yield* Home.switchUser(kid)
        const limited = yield* Effect.flip(Home.switchUser(kid))
        assert.strictEqual(limited._tag, "RateLimited")
        if (limited._tag === "RateLimited") assert.isTrue(Option.isSome(limited.retryAfter))
      })
    ))

  it.scopedLive("over PlexFake.serve with fetch: list, then switch with the PIN", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve(household)
      const admin = yield* fake.issueToken("parent")
      const layer = Layer.merge(app(fake, admin), FetchHttpClient.layer)
      const partner = (yield* Home.getUsers().pipe(Effect.provide(layer))).find((u) => u.protected)!
      const switched = yield* Home.switchUser(partner, { pin: "4711" }).pipe(Effect.provide(layer))
      const me = yield* getTokenDetails().pipe(
        Effect.provide(Layer.merge(switched.credentials, FetchHttpClient.layer))
      )
      assert.strictEqual(Option.getOrNull(me.title), "Partner")
    }))
})
