import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Option, Redacted, TestClock } from "effect"
import * as Retry from "../src/Retry.js"
import { postUsersSignInData, signIn } from "../src/SignIn.js"
import { readRealWorld } from "./support/fixtures.js"
import { outcome } from "./support/outcome.js"
import { credentials, provide, userBody } from "./support/plex.js"
import { scripted } from "./support/scriptedHttp.js"

const failure = <A, E>(exit: Exit.Exit<A, E>) => {
  assert.isTrue(Exit.isFailure(exit))
  return Option.getOrThrow(Cause.failureOption((exit as Exit.Failure<A, E>).cause))
}

const request = { login: "me@example.com", password: Redacted.make("hunter2") }

describe("signIn", () => {
  it.effect("is the same operation as postUsersSignInData", () =>
    Effect.sync(() => assert.strictEqual(signIn, postUsersSignInData)))

  it.effect("turns code 1029 into VerificationCodeRequired, from JSON with or without status, or XML", () =>
    Effect.gen(function*() {
      for (
        const reply of [
          {
            status: 401,
            body: JSON.stringify({
              errors: [{ code: 1029, message: "Please enter the verification code", status: 401 }]
            })
          },
          { status: 401, body: readRealWorld("plextv-error.1029-otp-required-no-status.issue-moviematch-14.json") },
          {
            status: 401,
            body: readRealWorld("plextv-error.1029-otp-required.issue-syncra-29.xml"),
            headers: { "content-type": "application/xml" }
          }
        ]
      ) {
        const error = failure(yield* Effect.exit(signIn(request).pipe(provide(scripted(reply).layer))))
        assert.strictEqual(error._tag, "VerificationCodeRequired")
        assert.include(error.message, "verification code")
      }
    }))

  it.effect("turns code 1031 into SignInLockedOut", () =>
    Effect.gen(function*() {
      const reply = {
        status: 401,
        body: readRealWorld("plextv-error.1031-ip-lockout.issue-syncra-29.xml"),
        headers: { "content-type": "application/xml" }
      }
      const error = failure(yield* Effect.exit(signIn(request).pipe(provide(scripted(reply).layer))))
      assert.strictEqual(error._tag, "SignInLockedOut")
      if (error._tag === "SignInLockedOut") assert.deepStrictEqual(error.errors[0]!.code, Option.some(1031))
    }))

  it.effect("keeps 1001 (bad credentials) as Unauthorized and 1000 as BadRequest", () =>
    Effect.gen(function*() {
      const bad = { status: 401, body: readRealWorld("plextv-error.1001-bad-credentials.issue-webtools-ng-466.json") }
      assert.strictEqual(
        failure(yield* Effect.exit(signIn(request).pipe(provide(scripted(bad).layer))))._tag,
        "Unauthorized"
      )
      const missing = { status: 400, body: readRealWorld("plextv-error.1000-missing-client-id.issue-plexpy-7.json") }
      assert.strictEqual(
        failure(yield* Effect.exit(signIn(request).pipe(provide(scripted(missing).layer))))._tag,
        "BadRequest"
      )
    }))

  it.effect("sends the verification code and never a token, even when one is configured", () =>
    Effect.gen(function*() {
      const http = scripted({ status: 201, body: userBody })
      yield* signIn({ ...request, verificationCode: "123456" }).pipe(provide(http.layer))
      const sent = http.requests[0]!
      assert.strictEqual(sent.body, "login=me%40example.com&password=hunter2&rememberMe=true&verificationCode=123456")
      assert.isUndefined(sent.headers["x-plex-token"])
      assert.isDefined(credentials.token)
    }))

  it.effect("encodes any Unicode login and password as UTF-8, spaces as %20", () =>
    Effect.gen(function*() {
      const http = scripted({ status: 201, body: userBody })
      yield* signIn({ login: "Zoë Ünïcødé 🎬", password: "p w&=+%😀" }).pipe(provide(http.layer))
      assert.strictEqual(
        http.requests[0]!.body,
        "login=Zo%C3%AB%20%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%F0%9F%8E%AC&password=p%20w%26%3D%2B%25%F0%9F%98%80&rememberMe=true"
      )
    }))

  it.effect("sends rememberMe=true unless the caller asks for false, as python-plexapi and plex-api.rs do", () =>
    Effect.gen(function*() {
      const http = scripted({ status: 201, body: userBody })
      yield* signIn({ login: "me", password: "pw" }).pipe(provide(http.layer))
      yield* signIn({ login: "me", password: "pw", rememberMe: false }).pipe(provide(http.layer))
      assert.deepStrictEqual(http.requests.map((r) => new URLSearchParams(r.body).get("rememberMe")), ["true", "false"])
    }))

  it.effect("a 201 in XML still hands back the token Plex issued (authToken or the older authenticationToken)", () =>
    Effect.gen(function*() {
      for (const name of ["authToken", "authenticationToken"]) {
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<user id="12345" uuid="212acf24b07315e5" ` +
          `username="me" email="me@example.com" title="Me &amp; co" ${name}="xml-token-1234" ` +
          `home="1" joinedAt="2023-09-19 00:00:00 UTC"><subscription active="1"/></user>`
        const http = scripted({ status: 201, body: xml, headers: { "content-type": "application/xml" } })
        const account = yield* signIn(request).pipe(provide(http.layer))
        assert.deepStrictEqual(
          [account.id, account.uuid, Redacted.value(account.authToken), Option.getOrNull(account.title)],
          [12345, "212acf24b07315e5", "xml-token-1234", "Me & co"]
        )
      }
      const other = scripted({
        status: 201,
        body: "<MediaContainer size=\"0\"/>",
        headers: { "content-type": "application/xml" }
      })
      const error = yield* Effect.flip(signIn(request).pipe(provide(other.layer)))
      assert.strictEqual(outcome(error), "BodyError(NotJson)")
    }))

  it.effect("accepts 200 as well as 201 (mocks of plex.tv answer 200)", () =>
    Effect.gen(function*() {
      const account = yield* signIn(request).pipe(provide(scripted({ status: 200, body: userBody }).layer))
      assert.strictEqual(Redacted.value(account.authToken), "auth_token")
    }))

  it.effect("refuses input it cannot send, before sending anything", () =>
    Effect.gen(function*() {
      for (
        const [input, field] of [
          [{ login: "", password: "x" }, "login"],
          [{ login: "a", password: Redacted.make("") }, "password"],
          [{ login: "a", password: "bad\uD800" }, "password"]
        ] as const
      ) {
        const http = scripted({ status: 201, body: userBody })
        const error = failure(yield* Effect.exit(signIn(input).pipe(provide(http.layer))))
        assert.strictEqual(error._tag, "InvalidInput")
        if (error._tag === "InvalidInput") assert.strictEqual(error.field, field)
        assert.strictEqual(http.requests.length, 0)
      }
    }))

  it.effect("is never retried by the default policy once Plex may have seen it, only when no connection was made", () =>
    Effect.gen(function*() {
      for (const status of [401, 429, 500, 502, 503, 504]) {
        const http = scripted({ status, headers: { "retry-after": "1" } }, { status: 201, body: userBody })
        const fiber = yield* Effect.fork(signIn(request).pipe(Retry.retry(), provide(http.layer)))
        yield* TestClock.adjust("1 minute")
        assert.isTrue(Exit.isFailure(yield* Fiber.await(fiber)))
        assert.strictEqual(http.requests.length, 1, `status ${status}`)
      }
      const mid = scripted({ status: 201, breakBody: "{\"id\"" }, { status: 201, body: userBody })
      const midFiber = yield* Effect.fork(signIn(request).pipe(Retry.retry(), provide(mid.layer)))
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(failure(yield* Fiber.await(midFiber))._tag, "TransportError")
      assert.strictEqual(mid.requests.length, 1)

      // A reset before any response: Plex may have read the form, so no retry.
      const reset = scripted({ transport: "read ECONNRESET" }, { status: 201, body: userBody })
      const resetFiber = yield* Effect.fork(signIn(request).pipe(Retry.retry(), provide(reset.layer)))
      yield* TestClock.adjust("1 minute")
      const resetError = failure(yield* Fiber.await(resetFiber))
      assert.deepStrictEqual([resetError._tag, resetError._tag === "TransportError" && resetError.phase], [
        "TransportError",
        "request"
      ])
      assert.strictEqual(reset.requests.length, 1)

      const refused = scripted({ transport: "connect ECONNREFUSED" }, { status: 201, body: userBody })
      const fiber = yield* Effect.fork(signIn(request).pipe(Retry.retry(), provide(refused.layer)))
      yield* TestClock.adjust("1 minute")
      const account = yield* Fiber.join(fiber)
      assert.strictEqual(account.id, 12345)
      assert.strictEqual(refused.requests.length, 2)
    }))
})
