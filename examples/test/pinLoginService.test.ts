import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
import { PlexFake } from "@effect-plex/testing"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpServer from "@effect/platform/HttpServer"
import { assert, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { router } from "../pinLoginService.js"

it.scopedLive("the PIN login service signs a user in end to end against PlexFake.serve, and the browser never sees the token", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.serve()
    const server = createServer()
    yield* Layer.launch(
      HttpServer.serve(router).pipe(
        Layer.provide(NodeHttpServer.layer(() => server, { port: 0, host: "127.0.0.1" })),
        Layer.provide(PlexCredentials.layer({ clientIdentifier: "pin-service-example", plexTvUrl: fake.plexTvUrl })),
        Layer.provide(NodeHttpClient.layerUndici)
      )
    ).pipe(Effect.forkScoped)
    while (!server.listening) yield* Effect.sleep("10 millis")
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const call = (path: string, init: RequestInit = {}) =>
      Effect.promise(async () => {
        const response = await fetch(`${base}${path}`, init)
        return { status: response.status, cookie: response.headers.get("set-cookie"), text: await response.text() }
      })

    assert.strictEqual((yield* call("/me")).status, 401)
    const login = yield* call("/login", { method: "POST" })
    assert.strictEqual(login.status, 200, login.text)
    const { url } = JSON.parse(login.text)
    assert.match(url, /^https:\/\/app\.plex\.tv\/auth#\?clientID=pin-service-example&code=/)
    const sid = login.cookie!.split(";")[0]!
    const code = new URL(url.replace("#?", "?")).searchParams.get("code")!

    const waiting = yield* call("/login/status", { headers: { cookie: sid } })
    assert.deepStrictEqual(JSON.parse(waiting.text), { signedIn: false })
    yield* fake.claimPin(code, "demo")
    const approved = yield* call("/login/status", { headers: { cookie: sid } })
    assert.deepStrictEqual(JSON.parse(approved.text), { signedIn: true })
    const me = yield* call("/me", { headers: { cookie: sid } })
    assert.deepStrictEqual(JSON.parse(me.text), { username: "demo" })

    // The token stayed on the server: /me used it, and no answer holds one.
    assert.isTrue(
      (yield* fake.journal).some((e) => e.path === "/api/v2/user" && e.headers["x-plex-token"] === "<redacted>")
    )
    const tokenShape = /fake-[0-9a-z]{8}/
    assert.match(Redacted.value(yield* fake.issueToken("demo")), tokenShape)
    for (const answer of [login, waiting, approved, me]) {
      assert.notMatch(answer.text + (answer.cookie ?? ""), tokenShape)
    }
  }))
