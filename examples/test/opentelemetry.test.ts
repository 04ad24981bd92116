import { PlexCredentials, SignIn, TokenDetails, TransientToken } from "@effect-plex/client"
import { PlexFake } from "@effect-plex/testing"
import { assert, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as util from "node:util"
import { exporter, TracingLive } from "../opentelemetry.js"

it.live("OpenTelemetry exports one plex.<operation> span per call, with the HTTP attributes and no secret", () =>
  Effect.gen(function*() {
    exporter.reset()
    const fake = yield* PlexFake.PlexFake
    const app = PlexCredentials.layer({ clientIdentifier: "otel-example", serverUrl: PlexFake.inMemoryBases.serverUrl })
    const account = yield* SignIn.signIn({ login: "demo", password: PlexFake.demoAccount.password }).pipe(
      Effect.provide(app)
    )
    const token = account.authToken
    yield* TokenDetails.getTokenDetails().pipe(PlexCredentials.withToken(token), Effect.provide(app))
    const transient = yield* TransientToken.getTransientToken().pipe(
      PlexCredentials.withToken(token),
      Effect.provide(app)
    )
    yield* fake.revokeToken(token)
    yield* Effect.flip(TokenDetails.getTokenDetails().pipe(PlexCredentials.withToken(token), Effect.provide(app)))

    const spans = exporter.getFinishedSpans()
    assert.deepStrictEqual(spans.map((s) => s.name), [
      "plex.postUsersSignInData",
      "plex.getTokenDetails",
      "plex.getTransientToken",
      "plex.getTokenDetails"
    ])
    const [signIn, details, , revoked] = spans
    assert.strictEqual(signIn!.attributes["http.request.method"], "POST")
    assert.strictEqual(signIn!.attributes["http.response.status_code"], 201)
    assert.strictEqual(details!.attributes["url.full"], "https://plex.tv/api/v2/user")
    assert.strictEqual(details!.attributes["url.path"], "/api/v2/user")
    assert.strictEqual(details!.attributes["server.address"], "https://plex.tv")
    assert.strictEqual(revoked!.attributes["http.response.status_code"], 401)
    assert.strictEqual(revoked!.status.code, 2) // ERROR

    const exported = util.inspect(spans.map((s) => [s.name, s.attributes, s.events, s.status]), { depth: Infinity })
    for (const secret of [Redacted.value(token), Redacted.value(transient.token), PlexFake.demoAccount.password]) {
      assert.notInclude(exported, secret)
    }
  }).pipe(Effect.provide(Layer.merge(Layer.fresh(PlexFake.layer()), TracingLive))))

it("the README shows this example's layer as it is", () => {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const source = fs.readFileSync(path.join(here, "../opentelemetry.ts"), "utf8")
  const code = source.slice(source.indexOf("import * as NodeSdk")).trimEnd()
  assert.include(fs.readFileSync(path.join(here, "../../README.md"), "utf8"), code)
})
