/**
 * One attempt of a call, under the per-attempt timeout. The timeout's
 * duration is a FiberRef, so that `Retry` can set it around a call
 * (`Effect.locally`) and every attempt of that call reads it afresh. A
 * timed-out attempt is interrupted, which aborts its request.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

// No attempt may hang for ever: plexjs's lack of a default is a known trap.
const defaultAttemptTimeout = Duration.seconds(30)

/** @internal */
export const currentAttemptTimeout: FiberRef.FiberRef<Duration.Duration> = globalValue(
  Symbol.for("@effect-plex/client/currentAttemptTimeout"),
  () => FiberRef.unsafeMake(defaultAttemptTimeout)
)

/**
 * `self`, failing with `onTimeout`'s error once the current attempt timeout
 * passes on the caller's clock (the `TestClock` in tests).
 *
 * @internal
 */
export const timeLimited = <A, E, R, T>(
  self: Effect.Effect<A, E, R>,
  onTimeout: (timeout: Duration.Duration) => T
): Effect.Effect<A, E | T, R> =>
  FiberRef.getWith(
    currentAttemptTimeout,
    (timeout) => Effect.timeoutFail(self, { duration: timeout, onTimeout: () => onTimeout(timeout) })
  )
