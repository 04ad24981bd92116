/**
 * One attempt of a call, under the per-attempt timeout. The timeout's
 * duration is a FiberRef, so that `Retry` can set it around a call
 * (`Effect.locally`) and every attempt of that call reads it afresh.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
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

// Under the live clock, the attempt runs in one fiber beside a plain timer:
// `Effect.timeoutFail` forks a second fiber to sleep, which doubled the
// fibers, and the heap, per call in flight (docs/performance.md). Under any
// other clock (the TestClock) time is an effect, and timeoutFail keeps it.
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

// setTimeout takes at most 2^31 - 1 ms; a longer timeout is as good as none.
const maxTimerMillis = 2 ** 31 - 1

const onTimer = <A, E, R, T>(self: Effect.Effect<A, E, R>, millis: number, timedOut: () => T) =>
  Effect.flatMap(Effect.fork(self), (child) =>
    Effect.async<A, E | T>((resume) => {
      let done = false
      const settle = (result: Effect.Effect<A, E | T>) => {
        if (done) return
        done = true
        clearTimeout(timer)
        resume(result)
      }
      const timer = setTimeout(() => settle(Effect.zipRight(Fiber.interrupt(child), Effect.fail(timedOut()))), millis)
      child.addObserver(settle)
      return Effect.suspend(() => {
        done = true
        clearTimeout(timer)
        return Fiber.interrupt(child)
      })
    }))

/**
 * `self`, failing with `onTimeout`'s error once the current attempt timeout
 * passes on the caller's clock (the `TestClock` in tests). The attempt is
 * then interrupted, which aborts its request.
 *
 * @internal
 */
export const timeLimited = <A, E, R, T>(
  self: Effect.Effect<A, E, R>,
  onTimeout: (timeout: Duration.Duration) => T
): Effect.Effect<A, E | T, R> =>
  FiberRef.getWith(currentAttemptTimeout, (timeout) =>
    Effect.clockWith((clock) => {
      if (clock !== liveClock) {
        return Effect.timeoutFail(self, {
          duration: timeout,
          onTimeout: () => onTimeout(timeout)
        })
      }
      const millis = Duration.toMillis(timeout)
      return millis > maxTimerMillis ? self : onTimer(self, millis, () => onTimeout(timeout))
    }))
