/**
 * Retry policies as `Schedule`s, composed per call.
 *
 * The policies read the error they are given: they retry what is transient
 * (429 after its `Retry-After`, 502/503/504, transport failures, per-attempt
 * timeouts), never 400, 401, 1029 or 1031, and never a sign-in that may have
 * reached the server (only one whose connection was never made), since each
 * failed sign-in counts towards Plex's IP lock-out.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { getTokenDetails } from "@effect-plex/client/TokenDetails"
 * import * as Retry from "@effect-plex/client/Retry"
 *
 * const account = getTokenDetails().pipe(
 *   Retry.retry({ policy: Retry.transient, attemptTimeout: "5 seconds", deadline: "30 seconds" })
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { currentAttemptTimeout } from "./internal/attempt.js"
import { currentDeadlineWatch, type DeadlineWatch } from "./internal/deadline.js"
import { DeadlineExceeded, isPlexError, RateLimited, UnexpectedStatus } from "./PlexError.js"

/**
 * A retry policy: a `Schedule` fed with each failure.
 *
 * @since 0.1.0
 * @category models
 */
export type Policy<Out = unknown, R = never> = Schedule.Schedule<Out, unknown, R>

/**
 * Whether a failure is worth another attempt.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTransient = (error: unknown): boolean => {
  if (!isPlexError(error)) return false
  // A request that may have reached Plex is not sent again.
  if (error.idempotent === false) return error._tag === "TransportError" && error.phase === "connect"
  switch (error._tag) {
    case "TransportError":
      return error.phase !== "redirect"
    case "RateLimited":
    case "Timeout":
      return true
    case "UnexpectedStatus":
      return error.status === 502 || error.status === 503 || error.status === 504
    default:
      return false
  }
}

/**
 * The wait a failure asks for: the `Retry-After` of a 429 (`RateLimited`) or
 * of a 503 (`UnexpectedStatus`), if the server sent one.
 *
 * @since 0.2.0
 * @category getters
 */
export const retryAfter = (error: unknown): Option.Option<Duration.Duration> =>
  error instanceof RateLimited || error instanceof UnexpectedStatus ? error.retryAfter : Option.none()

const defaultMaxRetryAfter = Duration.seconds(60)

/** Transient, and not asking to wait longer than `maxRetryAfter`: beyond that, the error (a 429 or a 503) is returned. */
const retryable = (maxRetryAfter: Duration.DurationInput | undefined) => {
  const max = Duration.decode(maxRetryAfter ?? defaultMaxRetryAfter)
  return (error: unknown): boolean =>
    isTransient(error) &&
    Option.match(retryAfter(error), { onNone: () => true, onSome: (wait) => Duration.lessThanOrEqualTo(wait, max) })
}

/** Feeds each failure to the schedule, and waits at least its `Retry-After`. */
const honourRetryAfter = <Out, R>(schedule: Schedule.Schedule<Out, unknown, R>) =>
  schedule.pipe(
    Schedule.intersect(Schedule.identity<unknown>()),
    Schedule.modifyDelay(([, error], delay) =>
      Option.match(retryAfter(error), { onNone: () => delay, onSome: (wait) => Duration.max(delay, wait) })
    )
  )

/**
 * Options of `makeTransient`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransientOptions {
  /** Attempts in all, the first included. Default 4. */
  readonly maxAttempts?: number | undefined
  /** Stop retrying once this much time has passed since the first failure. Default 30 seconds. */
  readonly maxElapsed?: Duration.DurationInput | undefined
  /** The first backoff delay, doubled each time and jittered by ±20 %. Default 250 ms. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** The largest backoff delay. Default 5 seconds. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** A `Retry-After` (on a 429 or a 503) longer than this is not waited for: the error is returned. Default 60 seconds. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
}

/**
 * Jittered exponential backoff over transient failures, bounded in attempts
 * and in elapsed time, waiting at least the server's `Retry-After`.
 *
 * @since 0.1.0
 * @category policies
 */
export const makeTransient = (options: TransientOptions = {}): Policy => {
  const maxDelay = Duration.decode(options.maxDelay ?? "5 seconds")
  return Schedule.exponential(options.baseDelay ?? "250 millis", 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, maxDelay)),
    Schedule.intersect(Schedule.recurs(Math.max(0, (options.maxAttempts ?? 4) - 1))),
    honourRetryAfter,
    Schedule.whileInput(retryable(options.maxRetryAfter)),
    Schedule.upTo(options.maxElapsed ?? "30 seconds")
  )
}

/**
 * The default policy: `makeTransient()` (4 attempts within 30 seconds).
 *
 * @since 0.1.0
 * @category policies
 */
export const transient: Policy = makeTransient()

/**
 * Never retry.
 *
 * @since 0.1.0
 * @category policies
 */
export const none: Policy = Schedule.stop

/**
 * Restricts any schedule to transient failures and makes it wait at least
 * each `Retry-After`, up to `maxRetryAfter` (default 60 seconds, as in
 * `makeTransient`; a longer one returns the `RateLimited`): the way to bring
 * your own backoff.
 *
 * @since 0.1.0
 * @category policies
 */
export const onlyTransient = <Out, R>(
  schedule: Schedule.Schedule<Out, unknown, R>,
  options: { readonly maxRetryAfter?: Duration.DurationInput | undefined } = {}
): Policy<[Out, unknown], R> => honourRetryAfter(schedule).pipe(Schedule.whileInput(retryable(options.maxRetryAfter)))

const withAttempts = <E>(error: E, attempts: number): E => {
  if (!isPlexError(error)) return error
  const Ctor = error.constructor as new(props: object) => E
  return new Ctor({ ...error, attempts })
}

/**
 * Retries `self` with any `Schedule`, and stamps the final `PlexError` with
 * the number of attempts made.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withPolicy =
  <Out, In, R2>(policy: Schedule.Schedule<Out, In, R2>) =>
  <A, E extends In, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | R2> =>
    Effect.suspend(() => {
      let attempts = 0
      const attempt = Effect.suspend(() => {
        attempts++
        return self
      })
      return Effect.retry(attempt, policy).pipe(
        Effect.mapError((error) => attempts > 1 ? withAttempts(error, attempts) : error)
      )
    })

/**
 * Bounds each attempt of the calls inside `self` (default 30 seconds). A
 * timed-out attempt fails with `Timeout`, which `transient` retries.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withAttemptTimeout =
  (timeout: Duration.DurationInput) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(self, currentAttemptTimeout, Duration.decode(timeout))

/**
 * Bounds the whole call, retries and waits included.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withDeadline =
  (deadline: Duration.DurationInput) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | DeadlineExceeded, R> =>
    Effect.suspend(() => {
      const watch: DeadlineWatch = { last: undefined }
      return Effect.timeoutFail(Effect.locally(self, currentDeadlineWatch, watch), {
        duration: deadline,
        onTimeout: () =>
          new DeadlineExceeded({ operation: watch.last ?? "unknown", deadline: Duration.decode(deadline) })
      })
    })

/**
 * Options of `retry`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions<Out, R> {
  /** The schedule; `transient` by default. */
  readonly policy?: Schedule.Schedule<Out, unknown, R> | undefined
  /** Per-attempt timeout; 30 seconds by default. */
  readonly attemptTimeout?: Duration.DurationInput | undefined
  /** Overall deadline; none by default. */
  readonly deadline?: Duration.DurationInput | undefined
}

/**
 * The usual composition: a policy, a per-attempt timeout and an overall
 * deadline, in the right order.
 *
 * @since 0.1.0
 * @category combinators
 */
export const retry =
  <Out = unknown, R2 = never>(options: RetryOptions<Out, R2> = {}) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | DeadlineExceeded, R | R2> => {
    const withTimeout = options.attemptTimeout === undefined ? self : withAttemptTimeout(options.attemptTimeout)(self)
    const retried = withPolicy(options.policy ?? (transient as Schedule.Schedule<Out, unknown, R2>))(withTimeout)
    return options.deadline === undefined ? retried : withDeadline(options.deadline)(retried)
  }
