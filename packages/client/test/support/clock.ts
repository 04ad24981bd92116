/**
 * Waiting on a fiber whose work mixes real async steps (WebCrypto signs and
 * verifies on the thread pool) with sleeps on the TestClock: one adjustment
 * can come before the fiber has put its sleep on the clock, and then the
 * sleep never ends. So the clock is moved on in steps, with a real pause in
 * between, until the fiber is done.
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

const realPause = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

/** The fiber's exit, moving the TestClock on by `step` (default 1 second) until it has one. */
export const awaitAdvancing = <A, E>(
  fiber: Fiber.Fiber<A, E>,
  step: Duration.DurationInput = "1 second"
): Effect.Effect<Exit.Exit<A, E>> =>
  Effect.gen(function*() {
    for (;;) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done.value
      yield* TestClock.adjust(step)
      yield* realPause
    }
  })

/** `awaitAdvancing`, then the fiber's value or failure. */
export const joinAdvancing = <A, E>(fiber: Fiber.Fiber<A, E>, step?: Duration.DurationInput): Effect.Effect<A, E> =>
  Effect.flatten(awaitAdvancing(fiber, step))
