/**
 * One attempt of a call, in a fiber of its own, under the per-attempt
 * timeout. The timeout's duration is carried in a FiberRef, so that `Retry`
 * can set it around a call and every attempt of that call reads it afresh.
 *
 * The attempt's fiber is the only one forked: under the live clock a plain
 * timer interrupts it (`Effect.timeoutFail` would fork a sleeper as well);
 * under any other clock (`TestClock`), where time is an effect, a sleeper
 * fiber is started beside it. The attempt's FiberRefs are never merged back
 * into the caller's, so the settings an attempt needs (see `transport.ts`)
 * are set in its fiber rather than scoped, which costs a few plain steps
 * instead of an acquire-use-release region each.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Runtime from "effect/Runtime"

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

/** Calls `onTimeout` once `timeout` has passed on the caller's clock; returns how to cancel. */
const startTimer = (
  parent: Fiber.RuntimeFiber<unknown, unknown>,
  timeout: Duration.Duration,
  onTimeout: () => void
) => {
  const millis = Duration.toMillis(timeout)
  if (millis > maxTimerMillis) return () => {}
  const clock = parent.currentDefaultServices.unsafeMap.get(Clock.Clock.key) as Clock.Clock
  if (clock instanceof LiveClock) {
    const timer = setTimeout(onTimeout, millis)
    return () => clearTimeout(timer)
  }
  const runtime = Runtime.make({
    context: parent.currentContext,
    fiberRefs: parent.getFiberRefs(),
    runtimeFlags: Runtime.defaultRuntimeFlags
  })
  const sleeper = Runtime.runFork(runtime)(Effect.sleep(timeout))
  sleeper.addObserver((exit) => exit._tag === "Success" && onTimeout())
  return () => sleeper.unsafeInterruptAsFork(FiberId.none)
}

/**
 * Runs `self` in a fiber of its own, failing with `onTimeout`'s error once
 * the current attempt timeout passes; the attempt is then interrupted, which
 * aborts its request. Interrupting the caller interrupts the attempt.
 *
 * @internal
 */
export const isolated = <A, E, R, T>(
  self: Effect.Effect<A, E, R>,
  onTimeout: (timeout: Duration.Duration) => T
): Effect.Effect<A, E | T, R> =>
  Effect.withFiberRuntime((parent) =>
    Effect.flatMap(Effect.fork(self), (child) =>
      Effect.async<A, E | T>((resume) => {
        let done = false
        const settle = (effect: Effect.Effect<A, E | T>) => {
          if (done) return
          done = true
          cancel()
          resume(effect)
        }
        const timeout = parent.getFiberRef(currentAttemptTimeout)
        const cancel = startTimer(
          parent,
          timeout,
          () => settle(Effect.zipRight(Fiber.interrupt(child), Effect.fail(onTimeout(timeout))))
        )
        child.addObserver((exit: Exit.Exit<A, E>) => settle(exit))
        return Effect.suspend(() => {
          done = true
          cancel()
          return Fiber.interrupt(child)
        })
      }))
  )
