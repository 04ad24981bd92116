import { assert, describe, it } from "@effect/vitest"
import type { Duration } from "effect"
import { Effect, Exit, Fiber, Option, Schedule, TestClock } from "effect"
import * as Retry from "../src/Retry.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { provide, userBody } from "./support/plex.js"
import { json, scripted } from "./support/scriptedHttp.js"

const ok = { status: 200, body: userBody }

const run = <A, E>(effect: Effect.Effect<A, E>, advance: Duration.DurationInput) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(advance)
    return yield* Fiber.await(fiber)
  })

describe("Retry", () => {
  it.effect("never retries 400, 401, 1029 or 1031", () =>
    Effect.gen(function*() {
      for (
        const reply of [
          json(400, { errors: [{ code: 1000 }] }),
          json(401, { errors: [{ code: 1001 }] }),
          json(401, { errors: [{ code: 1029 }] }),
          json(401, { errors: [{ code: 1031 }] }),
          { status: 404 },
          { status: 200, body: "<xml/>" }
        ]
      ) {
        const http = scripted(reply, ok)
        const exit = yield* run(getTokenDetails().pipe(Retry.retry(), provide(http.layer)), "1 minute")
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(http.requests.length, 1)
      }
    }))

  it.effect("waits a Retry-After given as an HTTP-date", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-11-28T12:00:00Z"))
      const http = scripted(json(429, {}, { "retry-after": "Sat, 28 Nov 2026 12:00:12 GMT" }), ok)
      const exit = yield* run(getTokenDetails().pipe(Retry.retry(), provide(http.layer)), "12 seconds")
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(http.requests[1]!.at - http.requests[0]!.at, 12_000)
    }))

  it.effect("gives up at once on a Retry-After longer than maxRetryAfter", () =>
    Effect.gen(function*() {
      const http = scripted(json(429, {}, { "retry-after": "3600" }), ok)
      const policy = Retry.makeTransient({ maxRetryAfter: "1 minute" })
      const exit = yield* run(getTokenDetails().pipe(Retry.retry({ policy }), provide(http.layer)), "2 hours")
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(http.requests.length, 1)
    }))

  it.effect("backs off exponentially with jitter within the bounds", () =>
    Effect.gen(function*() {
      const http = scripted({ status: 503 })
      const policy = Retry.makeTransient({
        maxAttempts: 5,
        baseDelay: "1 second",
        maxDelay: "10 seconds",
        maxElapsed: "1 hour"
      })
      yield* run(getTokenDetails().pipe(Retry.retry({ policy }), provide(http.layer)), "1 minute")
      const gaps = http.requests.slice(1).map((r, i) => r.at - http.requests[i]!.at)
      assert.strictEqual(gaps.length, 4)
      gaps.forEach((gap, i) => {
        const base = 1000 * 2 ** i
        assert.isTrue(gap >= base * 0.8 && gap <= base * 1.2, `gap ${i} = ${gap}`)
      })
    }))

  it.effect("retries a timed-out attempt, and the deadline bounds the whole call", () =>
    Effect.gen(function*() {
      const slow = scripted({ hang: true }, ok)
      const recovered = yield* run(
        getTokenDetails().pipe(Retry.retry({ attemptTimeout: "2 seconds" }), provide(slow.layer)),
        "1 minute"
      )
      assert.isTrue(Exit.isSuccess(recovered))
      assert.strictEqual(slow.requests[1]!.at >= 2000, true)

      const hung = scripted({ hang: true })
      const exit = yield* run(
        getTokenDetails().pipe(
          Retry.retry({ attemptTimeout: "2 seconds", deadline: "5 seconds" }),
          provide(hung.layer)
        ),
        "1 minute"
      )
      assert.deepStrictEqual(
        Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error._tag : undefined,
        "DeadlineExceeded"
      )
    }))

  it.effect("accepts any Schedule of the caller's, and onlyTransient adds the classification", () =>
    Effect.gen(function*() {
      const http = scripted({ status: 503 }, { status: 503 }, ok)
      const exit = yield* run(
        getTokenDetails().pipe(Retry.withPolicy(Schedule.spaced("100 millis")), provide(http.layer)),
        "1 second"
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(http.requests.map((r) => r.at), [0, 100, 200])

      const denied = scripted(json(401, {}), ok)
      const policy = Retry.onlyTransient(Schedule.recurs(5))
      yield* run(getTokenDetails().pipe(Retry.retry({ policy }), provide(denied.layer)), "1 second")
      assert.strictEqual(denied.requests.length, 1)
    }))

  it.effect("onlyTransient gives up at once on a Retry-After past maxRetryAfter (default 60 s), and never prints Infinity", () =>
    Effect.gen(function*() {
      const day = scripted(json(429, {}, { "retry-after": "86400" }), ok)
      const policy = Retry.onlyTransient(Schedule.recurs(3))
      const exit = yield* run(getTokenDetails().pipe(Retry.retry({ policy }), provide(day.layer)), "2 days")
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(day.requests.length, 1)
      const minute = scripted(json(429, {}, { "retry-after": "30" }), ok)
      const allowed = Retry.onlyTransient(Schedule.recurs(3), { maxRetryAfter: "1 minute" })
      assert.isTrue(
        Exit.isSuccess(
          yield* run(getTokenDetails().pipe(Retry.retry({ policy: allowed }), provide(minute.layer)), "1 minute")
        )
      )
      const huge = scripted(json(429, {}, { "retry-after": "9".repeat(400) }))
      const error = yield* Effect.flip(getTokenDetails().pipe(provide(huge.layer)))
      assert.strictEqual(error._tag, "RateLimited")
      assert.notInclude(error.message, "Infinity")
      assert.include(error.message, "retry after more than a day")
    }))

  it.effect("Retry.none makes exactly one attempt", () =>
    Effect.gen(function*() {
      const http = scripted({ status: 503 }, ok)
      const exit = yield* run(
        getTokenDetails().pipe(Retry.retry({ policy: Retry.none }), provide(http.layer)),
        "1 minute"
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(http.requests.length, 1)
    }))

  it.effect("classifies failures", () =>
    Effect.sync(() => {
      assert.isFalse(Retry.isTransient(new Error("x")))
      assert.isFalse(Retry.isTransient(undefined))
      assert.isFalse(Retry.isTransient(Option.none()))
    }))
})
