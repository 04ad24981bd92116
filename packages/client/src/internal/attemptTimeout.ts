/**
 * The per-attempt timeout, carried in a FiberRef so that `Retry` can set it
 * around a call and every attempt of that call reads it afresh.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

// No attempt may hang for ever: plexjs's lack of a default is a known trap.
const defaultAttemptTimeout = Duration.seconds(30)

/** @internal */
export const currentAttemptTimeout: FiberRef.FiberRef<Duration.Duration> = globalValue(
  Symbol.for("@effect-plex/client/currentAttemptTimeout"),
  () => FiberRef.unsafeMake(defaultAttemptTimeout)
)
