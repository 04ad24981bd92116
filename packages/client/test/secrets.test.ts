import { assert, describe, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import { Cause, Effect, Exit, Fiber, Layer, Logger, LogLevel, Redacted, TestClock } from "effect"
import * as util from "node:util"
import type { PlexCredentials } from "../src/PlexCredentials.js"
import type { PlexError } from "../src/PlexError.js"
import * as Retry from "../src/Retry.js"
import { postUsersSignInData } from "../src/SignIn.js"
import { getSourceConnectionInformation } from "../src/SourceConnection.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { getTransientToken } from "../src/TransientToken.js"
import { credentials, provide, userBody } from "./support/plex.js"
import { capturingLogger, recordingTracer } from "./support/recording.js"
import { json, type Reply, scripted } from "./support/scriptedHttp.js"

const configuredToken = "CONFIGURED-TOKEN-7c1d0e"
const signInPassword = "PASSWORD-9a8b7c"
const accountToken = "ACCOUNT-TOKEN-3e4f5a"
const transientToken = "TRANSIENT-TOKEN-6b7c8d"
const secrets = [configuredToken, signInPassword, accountToken, transientToken]

const account = userBody.replace("\"auth_token\"", JSON.stringify(accountToken))

const operations: ReadonlyArray<
  readonly [string, () => Effect.Effect<unknown, PlexError, HttpClient.HttpClient | PlexCredentials>, Reply]
> = [
  ["getTransientToken", () => getTransientToken(), json(200, { MediaContainer: { size: 0, token: transientToken } })],
  [
    "getSourceConnectionInformation",
    () => getSourceConnectionInformation({ source: "server://abc" }),
    json(200, { MediaContainer: { Device: { clientIdentifier: "abc", accessToken: transientToken, Connection: [] } } })
  ],
  ["getTokenDetails", () => getTokenDetails(), { status: 200, body: account }],
  [
    "postUsersSignInData",
    () => postUsersSignInData({ login: "me@example.com", password: Redacted.make(signInPassword) }),
    { status: 201, body: account }
  ]
]

const faults: ReadonlyArray<[string, Reply]> = [
  ["400", json(400, { errors: [{ code: 1000, message: "X-Plex-Client-Identifier is missing", status: 400 }] })],
  ["401", json(401, { errors: [{ code: 1001, message: "User could not be authenticated", status: 401 }] })],
  ["1029", json(401, { errors: [{ code: 1029, message: "Please enter the verification code", status: 401 }] })],
  ["1031", json(401, { errors: [{ code: 1031, message: "locked", status: 401 }] })],
  ["429", json(429, {}, { "retry-after": "1" })],
  ["503", { status: 503, body: "<html>down</html>" }],
  ["malformed", { status: 200, body: `{"authToken": "${accountToken}", "id": ` }],
  ["wrong types", json(200, { id: "x", uuid: 1, authToken: 42, MediaContainer: { token: 42 } })],
  ["empty", { status: 200, body: "" }],
  ["xml", { status: 200, body: `<user authToken="${accountToken}"/>` }],
  ["body broken off", { status: 200, breakBody: `{"authToken":"${accountToken}"` }],
  ["hang", { hang: true }]
]

const assertClean = (label: string, text: string) => {
  for (const secret of secrets) assert.notInclude(text, secret, `${label} leaks ${secret}`)
}

describe.each(operations)("%s keeps every secret out of errors, logs and spans", (_name, run, success) => {
  // A transport may quote what it was sent: the token, or the sign-in body.
  const quoted = _name === "postUsersSignInData" ? signInPassword : configuredToken
  const transport: [string, Reply] = ["transport quoting a secret", { transport: `invalid value ${quoted}` }]
  for (const [fault, reply] of [["success", success] as [string, Reply], ...faults, transport]) {
    it.effect(fault, () =>
      Effect.gen(function*() {
        const { dump, spans, tracer } = recordingTracer()
        const { lines, logger } = capturingLogger()
        const http = scripted(reply, reply)
        const program = run().pipe(
          Retry.retry({ attemptTimeout: "1 second", deadline: "10 seconds" }),
          Effect.tap((value) => Effect.logInfo("value", value)),
          Effect.tapErrorCause((cause) => Effect.logError("failed", cause)),
          provide(http.layer, { ...credentials, token: configuredToken }),
          Effect.withTracer(tracer),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        const fiber = yield* Effect.fork(program)
        yield* TestClock.adjust("1 minute")
        const exit = yield* Fiber.await(fiber)

        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause)
          assertClean("message", (error as Error).message)
          assertClean("String", String(error))
          assertClean("JSON", JSON.stringify(error))
          assertClean("inspect", util.inspect(error, { depth: Infinity, showHidden: true }))
          assertClean("pretty cause", Cause.pretty(exit.cause))
        } else {
          assertClean("success value", util.inspect(exit.value, { depth: Infinity }))
          assertClean("success JSON", JSON.stringify(exit.value))
        }
        assert.isAbove(lines.length, 0)
        lines.forEach((line) => assertClean("log", line))
        assertClean("spans", dump())
        const httpSpans = spans.filter((s) => s.name.startsWith("http.client"))
        assert.isAbove(httpSpans.length, 0)
        for (const span of httpSpans) assert.strictEqual(span.attributes.get("url.full"), http.requests[0]!.url)
        assert.isTrue(spans.some((s) => s.name === `plex.${_name}`))
        for (const request of http.requests) {
          assert.isUndefined(request.headers["b3"])
          assert.isUndefined(request.headers["traceparent"])
        }
      }))
  }
})

describe("the caller's own HttpClient middleware", () => {
  it.effect("sees X-Plex-Token redacted when it logs requests", () =>
    Effect.gen(function*() {
      const { lines, logger } = capturingLogger()
      const http = scripted({ status: 200, body: account })
      const logging = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (client) => client.pipe(HttpClient.tapRequest((request) => Effect.logInfo(request))))
      ).pipe(Layer.provide(http.layer))
      yield* getTokenDetails().pipe(
        provide(logging, { ...credentials, token: configuredToken }),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
      assert.strictEqual(http.requests[0]!.headers["x-plex-token"], configuredToken)
      assert.isTrue(lines.some((line) => line.includes("x-plex-client-identifier")))
      lines.forEach((line) => assertClean("middleware log", line))
    }))
})
