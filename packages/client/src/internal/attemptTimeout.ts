/**
 * The per-attempt timeout. Its duration is carried in a FiberRef, so that
 * `Retry` can set it around a call and every attempt of that call reads it
 * afresh.
 *
 * `Effect.timeoutFail` forks two fibers per attempt: the attempt and a
 * sleeper. Under the live clock this forks only the attempt, and a plain
 * timer interrupts it; under any other clock (`TestClock`), where time is
 * itself an effect, it falls back to `Effect.timeoutFail`.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

// No attempt may hang for ever: plexjs's lack of a default is a known trap.
const defaultAttemptTimeout = Duration.seconds(30)

/** @internal */
export const currentAttemptTimeout: FiberRef.FiberRef<Duration.Duration> = globalValue(
  Symbol.for("@effect-plex/client/currentAttemptTimeout"),
  () => FiberRef.unsafeMake(defaultAttemptTimeout)
)

const LiveClock = Clock.make().constructor

// setTimeout takes at most 2^31 - 1 ms; a longer timeout is as good as none.
const maxTimerMillis = 2 ** 31 - 1

const withTimer = <A, E, R, T>(
  self: Effect.Effect<A, E, R>,
  millis: number,
  onTimeout: () => T
): Effect.Effect<A, E | T, R> =>
  Effect.flatMap(Effect.fork(self), (child) =>
    Effect.async<A, E | T>((resume) => {
      let done = false
      const timer = setTimeout(() => {
        if (done) return
        done = true
        resume(Effect.zipRight(Fiber.interrupt(child), Effect.fail(onTimeout())))
      }, millis)
      child.addObserver((exit: Exit.Exit<A, E>) => {
        if (done) return
        done = true
        clearTimeout(timer)
        resume(exit)
      })
      return Effect.suspend(() => {
        done = true
        clearTimeout(timer)
        return Fiber.interrupt(child)
      })
    }))

/**
 * Runs `self` under the current attempt timeout, failing with `onTimeout`'s
 * error once it passes. Interrupting the attempt aborts its request.
 *
 * @internal
 */
export const withAttemptTimeout = <A, E, R, T>(
  self: Effect.Effect<A, E, R>,
  onTimeout: (timeout: Duration.Duration) => T
): Effect.Effect<A, E | T, R> =>
  Effect.withFiberRuntime((fiber) => {
    const timeout = fiber.getFiberRef(currentAttemptTimeout)
    const millis = Duration.toMillis(timeout)
    if (millis > maxTimerMillis) return self
    const clock = fiber.currentDefaultServices.unsafeMap.get(Clock.Clock.key) as Clock.Clock
    return clock instanceof LiveClock
      ? withTimer(self, millis, () => onTimeout(timeout))
      : Effect.timeoutFail(self, { duration: timeout, onTimeout: () => onTimeout(timeout) })
  })
