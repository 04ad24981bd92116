/**
 * `connect` against an impostor: a resource lists the real server (here
 * `PlexFake.serve`) as remote and another host as a local plain-http
 * address, as a LAN address does on someone else's network. Over each real
 * transport, no token reaches the impostor and the real server is chosen.
 */
import { PlexCredentials } from "@effect-plex/client/PlexCredentials"
import { getResources, isServer, Resource } from "@effect-plex/client/Resource"
import { connect } from "@effect-plex/client/ServerConnection"
import { getTransientToken } from "@effect-plex/client/TransientToken"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import * as PlexFake from "../src/PlexFake.js"
import { head, rawServer } from "./support/rawServer.js"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["NodeHttpClient.layer (node:http)", NodeHttpClient.layer]
]

const reply = (status: number, contentType: string, body: string) =>
  `${
    head(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), connection: "close" })
  }${body}`

const impostors: ReadonlyArray<readonly [string, string]> = [
  [
    "another machineIdentifier",
    reply(200, "application/json", JSON.stringify({ MediaContainer: { machineIdentifier: "not-the-server" } }))
  ],
  ["an HTML page", reply(200, "text/html", "<html><body>router login</body></html>")],
  ["204 No Content", `${head(204, { connection: "close" })}`],
  ["an empty JSON object", reply(200, "application/json", "{}")]
]

describe.each(transports)("connect over %s", (_name, transport) => {
  describe.each(impostors)("an impostor at the local address answering with %s", (_kind, answer) => {
    it.scopedLive("receives no token, and the real server is chosen and used", () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const impostor = yield* rawServer((socket) => socket.end(answer))
        const token = yield* fake.issueToken("demo")
        const app = Layer.merge(
          transport,
          PlexCredentials.layer({
            clientIdentifier: "impostor-tests",
            token,
            plexTvUrl: fake.plexTvUrl
          })
        )
        const [listed] = (yield* getResources().pipe(Effect.provide(app))).filter(isServer)
        const encoded = Schema.encodeSync(Resource)(listed!)
        const remote = encoded.connections!.find((c) => c.local === false && c.relay === false)!
        const resource = Schema.decodeSync(Resource)({
          ...encoded,
          connections: [{ uri: impostor.url, protocol: "http", local: true }, remote]
        })
        const connected = yield* connect(resource, { graceWindow: "1 second" }).pipe(Effect.provide(app))
        assert.strictEqual(connected.connection.uri, remote.uri)
        const impostorProbe = connected.probes.find((p) => p.connection.uri === impostor.url)!
        assert.isTrue(Option.isNone(impostorProbe.latency))
        const transient = yield* getTransientToken().pipe(
          Effect.provide(Layer.merge(transport, connected.credentials))
        )
        assert.match(Redacted.value(transient.token), /^transient-/)
        assert.isAbove(impostor.heads.length, 0)
        const secrets = [Redacted.value(token), Redacted.value(Option.getOrThrow(listed!.accessToken))]
        for (const received of impostor.heads) {
          assert.notMatch(received, /x-plex-token/i)
          for (const secret of secrets) assert.notInclude(received, secret)
        }
        const probes = (yield* fake.journal).filter((e) => e.path === "/identity")
        assert.isTrue(probes.every((p) => p.headers["x-plex-token"] === undefined))
      }))
  })
})
