// -- example start
import { Jwt, KeyStore, PlexCredentials, Retry, TokenDetails } from "@effect-plex/client"
import { NodeContext, NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"

// Once per device: make the key (or load the kept one) and register it, with
// the classic token in PLEX_TOKEN, issued for the same PLEX_CLIENT_IDENTIFIER.
const register = Effect.gen(function*() {
  const key = yield* KeyStore.loadOrCreate() // ~/.config/effect-plex/device-key.json, mode 0600
  yield* Jwt.registerKey(key).pipe(Retry.retry())
  return key
}).pipe(
  Effect.provide(NodeContext.layer),
  Effect.provide(PlexCredentials.layerConfig()),
  Effect.provide(NodeHttpClient.layerUndici)
)

// The main program: credentials whose token is a Plex JWT that renews itself,
// a day before it expires and whenever Plex answers 498.
const credentials = (key: Jwt.DeviceKey) =>
  Jwt.layer({ key }).pipe(
    Layer.provide(PlexCredentials.layerConfig()),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  )

const program = Effect.gen(function*() {
  const key = yield* register
  return yield* TokenDetails.getTokenDetails().pipe(
    Retry.retry({ policy: Retry.transient, deadline: "20 seconds" }),
    Effect.provide(credentials(key))
  )
})
// -- example end

import { PlexFake } from "@effect-plex/testing"
import { assert, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { exampleOf, readmeText } from "./support/readme.js"

it.scopedLive("README: move a backend to JWTs, end to end against PlexFake.serve", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.serve()
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-readme-jwt-"))
    const environment = ConfigProvider.fromMap(
      new Map([
        ["XDG_CONFIG_HOME", home],
        ["PLEX_CLIENT_IDENTIFIER", "readme-jwt"],
        ["PLEX_TOKEN", Redacted.value(yield* fake.issueToken("demo"))],
        ["PLEX_TV_URL", fake.plexTvUrl],
        ["PLEX_CLIENTS_URL", fake.clientsUrl]
      ])
    )
    const account = yield* program.pipe(Effect.withConfigProvider(environment))
    assert.strictEqual(Option.getOrThrow(account.username), "demo")
    // The call went out with a Plex JWT, not the classic token.
    const journal = yield* fake.journal
    assert.deepStrictEqual(
      journal.map((e) => e.path),
      [
        "/clients/api/v2/auth/jwk",
        "/clients/api/v2/auth/nonce",
        "/clients/api/v2/auth/token",
        "/clients/api/v2/auth/keys",
        "/api/v2/user"
      ]
    )
    assert.isTrue(fs.existsSync(path.join(home, "effect-plex", "device-key.json")))
    fs.rmSync(home, { recursive: true, force: true })
    assert.include(readmeText(), exampleOf(import.meta.url))
  }))
