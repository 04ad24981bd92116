import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Fiber, Option, TestClock } from "effect"
import * as Retry from "../src/Retry.js"
import { outcome } from "./support/outcome.js"
import { operations, provide } from "./support/plex.js"
import { json, scripted } from "./support/scriptedHttp.js"

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) assert.fail("expected a failure")
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

const expectedHeaders = (op: (typeof operations)[number]) =>
  op.body === undefined ? op.headers : { ...op.headers, "content-length": String(Buffer.byteLength(op.body)) }

describe.each(operations)("$name", (op) => {
  it.effect("succeeds, sending exactly the documented request", () =>
    Effect.gen(function*() {
      const http = scripted(op.success)
      const value = yield* op.run().pipe(provide(http.layer))
      assert.deepStrictEqual(JSON.parse(JSON.stringify(op.project(value))), op.expected)
      assert.strictEqual(http.requests.length, 1)
      const [request] = http.requests
      assert.strictEqual(request!.method, op.method)
      assert.strictEqual(request!.url, op.url)
      assert.deepStrictEqual({ ...request!.headers }, expectedHeaders(op))
      assert.strictEqual(request!.body, op.body)
    }))

  it.effect("maps 400 to BadRequest with Plex's errors[]", () =>
    Effect.gen(function*() {
      const http = scripted(
        json(400, { errors: [{ code: 1000, message: "X-Plex-Client-Identifier is missing", status: 400 }] })
      )
      const error = failureOf(yield* Effect.exit(op.run().pipe(provide(http.layer))))
      assert.strictEqual(error._tag, "BadRequest")
      if (error._tag !== "BadRequest") return
      assert.strictEqual(error.operation, op.name)
      assert.strictEqual(error.status, 400)
      assert.deepStrictEqual(error.errors.map((e) => [e.code, e.message]), [[
        Option.some(1000),
        Option.some("X-Plex-Client-Identifier is missing")
      ]])
      assert.include(error.message, "Plex 1000: X-Plex-Client-Identifier is missing")
    }))

  it.effect("maps 401 to Unauthorized, from JSON, HTML or an empty body", () =>
    Effect.gen(function*() {
      for (
        const [reply, codes] of [
          [json(401, { errors: [{ code: 1001, message: "User could not be authenticated", status: 401 }] }), [1001]],
          [{
            status: 401,
            body: "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
            headers: { "content-type": "text/html" }
          }, []],
          [{ status: 401, body: "" }, []]
        ] as const
      ) {
        const error = failureOf(yield* Effect.exit(op.run().pipe(provide(scripted(reply).layer))))
        assert.strictEqual(error._tag, "Unauthorized")
        if (error._tag !== "Unauthorized") return
        assert.deepStrictEqual(error.errors.map((e) => Option.getOrNull(e.code)), [...codes])
      }
    }))

  it.effect("maps 422 \"Invalid token\" (XML or JSON) to Unauthorized; any other 422 stays UnexpectedStatus", () =>
    Effect.gen(function*() {
      for (
        const [reply, tag] of [
          [
            { status: 422, body: "<error>Invalid token</error>", headers: { "content-type": "text/xml" } },
            "Unauthorized"
          ],
          [json(422, { errors: [{ code: 1099, message: "Invalid token.", status: 422 }] }), "Unauthorized"],
          [json(422, { errors: [{ code: 1098, message: "Unprocessable entity", status: 422 }] }), "UnexpectedStatus"],
          [{ status: 422, body: "" }, "UnexpectedStatus"]
        ] as const
      ) {
        const error = failureOf(yield* Effect.exit(op.run().pipe(provide(scripted(reply).layer))))
        assert.deepStrictEqual([error._tag, (error as { status?: number }).status], [tag, 422])
      }
    }))

  it.effect("fails with the typed body error on a 200 that is malformed, empty, XML or HTML", () =>
    Effect.gen(function*() {
      const cases = [
        [{ status: 200, body: "{\"id\": 1, \"uuid\": " }, "BodyError(MalformedJson)"],
        [{ status: 200, body: "" }, "BodyError(Empty)"],
        [{
          status: 200,
          body: "<MediaContainer size=\"0\" token=\"transient-1\" />",
          headers: { "content-type": "application/xml" }
        }, "BodyError(NotJson)"],
        [
          { status: 200, body: "<!doctype html><html></html>", headers: { "content-type": "text/html" } },
          "BodyError(NotJson)"
        ],
        [json(200, { unexpected: true }), "BodyError(SchemaMismatch)"]
      ] as const
      for (const [reply, tag] of cases) {
        const error = failureOf(yield* Effect.exit(op.run().pipe(provide(scripted(reply).layer))))
        assert.strictEqual(outcome(error), tag, JSON.stringify(reply))
      }
    }))

  it.effect("fails with TransportError when the connection fails, before or during the response", () =>
    Effect.gen(function*() {
      const before = failureOf(
        yield* Effect.exit(
          op.run().pipe(provide(scripted({ transport: "connect ECONNREFUSED 127.0.0.1:32400" }).layer))
        )
      )
      assert.strictEqual(before._tag, "TransportError")
      if (before._tag === "TransportError") {
        assert.strictEqual(before.phase, "connect")
        assert.include(before.message, "ECONNREFUSED")
      }
      const during = failureOf(
        yield* Effect.exit(op.run().pipe(provide(scripted({ status: 200, breakBody: "{\"MediaCont" }).layer)))
      )
      assert.strictEqual(during._tag, "TransportError")
      if (during._tag === "TransportError") assert.strictEqual(during.phase, "response")
    }))

  it.effect("is interruptible, and interruption aborts the request", () =>
    Effect.gen(function*() {
      const http = scripted({ hang: true })
      const fiber = yield* Effect.fork(op.run().pipe(provide(http.layer)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(http.requests.length, 1)
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      assert.strictEqual(http.aborted.count, 1)
    }))

  it.effect("times out a hung attempt after the default 30 seconds", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(op.run().pipe(provide(scripted({ hang: true }).layer)))
      yield* TestClock.adjust("29999 millis")
      assert.isNull(fiber.unsafePoll())
      yield* TestClock.adjust("1 millis")
      const error = failureOf(yield* Fiber.await(fiber))
      assert.strictEqual(error._tag, "Timeout")
    }))

  it.effect("maps 429 to RateLimited with Retry-After, and the default policy waits it to the millisecond", () =>
    Effect.gen(function*() {
      const http = scripted(json(429, {}, { "retry-after": "7" }), op.success)
      const fiber = yield* Effect.fork(op.run().pipe(Retry.retry(), provide(http.layer)))
      yield* TestClock.adjust("6999 millis")
      if (op.name === "postUsersSignInData") {
        // A sign-in is never retried on a response: the 429 comes straight back.
        const error = failureOf(yield* Fiber.await(fiber))
        assert.strictEqual(error._tag, "RateLimited")
        if (error._tag === "RateLimited") assert.deepStrictEqual(error.retryAfter, Option.some(Duration.seconds(7)))
        assert.strictEqual(http.requests.length, 1)
        return
      }
      assert.strictEqual(http.requests.length, 1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(http.requests.map((r) => r.at), [0, 7000])
    }))

  it.effect("retries 503 then succeeds; runs out after the bounded attempts", () =>
    Effect.gen(function*() {
      const recovering = scripted({ status: 503 }, { status: 503 }, op.success)
      const fiber = yield* Effect.fork(op.run().pipe(Retry.retry(), provide(recovering.layer)))
      yield* TestClock.adjust("10 seconds")
      const exit = yield* Fiber.await(fiber)
      if (op.name === "postUsersSignInData") {
        assert.strictEqual(failureOf(exit)._tag, "UnexpectedStatus")
        assert.strictEqual(recovering.requests.length, 1)
        return
      }
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(recovering.requests.length, 3)

      const down = scripted({ status: 503 })
      const exhausted = yield* Effect.fork(op.run().pipe(Retry.retry(), provide(down.layer)))
      yield* TestClock.adjust("60 seconds")
      const error = failureOf(yield* Fiber.await(exhausted))
      assert.strictEqual(error._tag, "UnexpectedStatus")
      assert.strictEqual(down.requests.length, 4)
      if (error._tag !== "UnexpectedStatus") return
      assert.strictEqual(error.attempts, 4)
      assert.include(error.message, "after 4 attempts")
    }))
})
