import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, Option, Redacted } from "effect"
import * as util from "node:util"
import { InvalidCredentials, PlexCredentials, withToken } from "../src/PlexCredentials.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { credentials, userBody } from "./support/plex.js"
import { scripted } from "./support/scriptedHttp.js"

const build = (options: Parameters<typeof PlexCredentials.make>[0]) => Effect.either(PlexCredentials.make(options))

describe("PlexCredentials", () => {
  it.effect("rejects bad values with a typed, readable error when built", () =>
    Effect.gen(function*() {
      const cases = [
        [{ clientIdentifier: "" }, "clientIdentifier", "is empty"],
        [{ clientIdentifier: "  " }, "clientIdentifier", "is empty"],
        [{ clientIdentifier: "a\r\nX-Evil: 1" }, "clientIdentifier", "control character"],
        [{ clientIdentifier: "ok", deviceName: "tv\u0000" }, "deviceName", "control character"],
        [{ clientIdentifier: "ok", product: "p\n" }, "product", "control character"],
        [{ clientIdentifier: "ok", token: "tok\r\n" }, "token", "control character"],
        [{ clientIdentifier: "ok", token: "" }, "token", "is empty"],
        [{ clientIdentifier: "ok", serverUrl: "ftp://nas:21" }, "serverUrl", "http or https"],
        [{ clientIdentifier: "ok", serverUrl: "not a url" }, "serverUrl", "not a valid URL"],
        [{ clientIdentifier: "ok", plexTvUrl: "file:///etc/passwd" }, "plexTvUrl", "http or https"],
        [{ clientIdentifier: "ok", clientsUrl: "ws://clients.plex.tv" }, "clientsUrl", "http or https"],
        [{ clientIdentifier: "ok", clientsUrl: "https://clients.plex.tv/api/v2#x" }, "clientsUrl", "fragment"],
        [{ clientIdentifier: "ok", serverUrl: "http://user:pw@nas:32400" }, "serverUrl", "user name or password"],
        [{ clientIdentifier: "ok", serverUrl: "http://nas:32400/?X-Plex-Token=abc" }, "serverUrl", "query"]
      ] as const
      for (const [options, field, reason] of cases) {
        const result = yield* build(options)
        assert.isTrue(result._tag === "Left", JSON.stringify(options))
        if (result._tag !== "Left") continue
        assert.instanceOf(result.left, InvalidCredentials)
        assert.strictEqual(result.left.field, field)
        assert.include(result.left.message, reason)
      }
    }))

  it.effect("never repeats the rejected token in the error", () =>
    Effect.gen(function*() {
      const result = yield* build({ clientIdentifier: "ok", token: "SECRET-TOKEN\n" })
      assert.isTrue(result._tag === "Left")
      if (result._tag !== "Left") return
      for (
        const text of [result.left.message, String(result.left), JSON.stringify(result.left), util.inspect(result.left)]
      ) {
        assert.notInclude(text, "SECRET-TOKEN")
      }
    }))

  it.effect("normalises URLs, keeps a base path, and sends non-ASCII names as UTF-8 bytes", () =>
    Effect.gen(function*() {
      const service = yield* PlexCredentials.make({
        clientIdentifier: "ok",
        deviceName: "Zoë's 📺",
        serverUrl: "https://plex.example.com/base/",
        plexTvUrl: "http://127.0.0.1:9/api/v2/"
      })
      assert.deepStrictEqual(service.serverUrl, Option.some("https://plex.example.com/base"))
      assert.strictEqual(service.plexTvUrl, "http://127.0.0.1:9/api/v2")
      const wire = service.headers["x-plex-device-name"]!
      assert.strictEqual(Buffer.from(wire, "latin1").toString("utf8"), "Zoë's 📺")
      assert.strictEqual(service.headers["x-plex-product"], "effect-plex")
    }))

  it.effect("reads the PLEX_* environment through layerConfig", () =>
    Effect.gen(function*() {
      const service = yield* PlexCredentials.pipe(
        Effect.provide(PlexCredentials.layerConfig()),
        Effect.withConfigProvider(ConfigProvider.fromMap(
          new Map([
            ["PLEX_CLIENT_IDENTIFIER", "env-client"],
            ["PLEX_TOKEN", "env-token"],
            ["PLEX_SERVER_URL", "http://10.0.0.2:32400"],
            ["PLEX_PRODUCT", "Env Product"],
            ["PLEX_CLIENTS_URL", "http://127.0.0.1:9/clients/api/v2/"],
            ["PLEX_DEVICE_NAME", ""]
          ])
        ))
      )
      assert.strictEqual(service.clientIdentifier, "env-client")
      assert.deepStrictEqual(Option.map(service.token, Redacted.value), Option.some("env-token"))
      assert.deepStrictEqual(service.serverUrl, Option.some("http://10.0.0.2:32400"))
      assert.strictEqual(service.headers["x-plex-product"], "Env Product")
      assert.isUndefined(service.headers["x-plex-device-name"])
      assert.deepStrictEqual(service.plexTvUrl, "https://plex.tv/api/v2")
      assert.strictEqual(service.clientsUrl, "http://127.0.0.1:9/clients/api/v2")
      const defaults = yield* PlexCredentials.make({ clientIdentifier: "ok" })
      assert.strictEqual(defaults.clientsUrl, "https://clients.plex.tv/api/v2")
    }))

  it.effect("layerConfig fails with a ConfigError when the client identifier is missing", () =>
    Effect.gen(function*() {
      const exit = yield* PlexCredentials.pipe(
        Effect.provide(PlexCredentials.layerConfig()),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
        Effect.exit
      )
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.effect("withToken swaps the token for one call, and the operations without one fail with MissingCredential", () =>
    Effect.gen(function*() {
      const http = scripted({ status: 200, body: userBody })
      const layer = Layer.merge(http.layer, PlexCredentials.layer({ ...credentials, token: undefined }))
      const missing = yield* getTokenDetails().pipe(Effect.flip, Effect.provide(layer))
      assert.strictEqual(missing._tag, "MissingCredential")
      assert.strictEqual(http.requests.length, 0)
      yield* getTokenDetails().pipe(withToken(Redacted.make("fresh-token")), Effect.provide(layer))
      assert.strictEqual(http.requests[0]!.headers["x-plex-token"], "fresh-token")
    }))
})
