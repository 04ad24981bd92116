// -- example start
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect } from "effect"

const logged = (client: HttpClient.HttpClient) =>
  client.pipe(
    HttpClient.tapRequest((request) =>
      Effect.sync(() => console.log(request.method, request.url, Headers.redact(request.headers, "x-plex-token")))
    ),
    HttpClient.tap((response) => Effect.log("plex answered", response.status, response.headers))
  )
// -- example end

import { assert, it, vi } from "@effect/vitest"
import * as Layer from "effect/Layer"
import * as util from "node:util"
import { getTokenDetails } from "../src/TokenDetails.js"
import { credentials, provide, token, userBody } from "./support/plex.js"
import { exampleOf, readmeText } from "./support/readme.js"
import { scripted } from "./support/scriptedHttp.js"

it.effect("README: logging requests and responses in your own middleware, with the token redacted", () =>
  Effect.gen(function*() {
    const printed: Array<string> = []
    const spy = vi.spyOn(console, "log").mockImplementation((...args) =>
      void printed.push(util.inspect(args, { depth: 5 }))
    )
    const http = scripted({ status: 200, body: userBody })
    const wrapped = Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, logged)).pipe(
      Layer.provide(http.layer)
    )
    const account = yield* getTokenDetails().pipe(
      provide(wrapped, credentials),
      Effect.ensuring(Effect.sync(() => spy.mockRestore()))
    )
    assert.strictEqual(account.id, 12345)
    assert.strictEqual(http.requests[0]!.headers["x-plex-token"], token)
    assert.isTrue(printed.some((line) => line.includes("x-plex-client-identifier")))
    for (const line of printed) assert.notInclude(line, token)

    assert.include(readmeText(), exampleOf(import.meta.url))
  }))
