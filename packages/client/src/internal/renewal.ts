/**
 * A token that renews itself (the Plex JWT behind `Jwt.layer`), as the
 * `TokenRenewal` the pipeline asks before each call and after a 498.
 *
 * - One renewal at a time, in a fiber of the layer's own scope: callers only
 *   await it, so a caller's deadline or interruption never cancels the
 *   exchange another caller is waiting for.
 * - While the token is still valid, a refresh runs in the background and
 *   calls go on with the current token.
 * - The refresh starts `refreshWithin` before expiry, clamped to half the
 *   token's lifetime, so a token that lives shorter than `refreshWithin` is
 *   not renewed on every call.
 * - After a failed renewal, and after a 498 for a token less than `backoff`
 *   old (Plex rejecting what it has just issued: clock skew, revocation), no
 *   renewal starts again until `backoff` has passed. A valid token goes on
 *   being used; an expired one fails the call at once with the same error.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import type { TokenRenewal } from "../PlexCredentials.js"
import { type CommonError, TokenExpired } from "../PlexError.js"

/** @internal */
export interface Issued {
  readonly token: Redacted.Redacted<string>
  /** Epoch milliseconds. */
  readonly issuedAt: number
  /** Epoch milliseconds. */
  readonly expiresAt: number
}

/** @internal */
export interface RenewalOptions<T> {
  /** The token to start from, and when it arrived (0 for one kept from an earlier run). */
  readonly initial: T
  readonly initialArrivedAt: number
  readonly times: (token: T) => Issued
  /** One renewal, its failures already what a call should see. */
  readonly renew: Effect.Effect<T, CommonError>
  readonly refreshWithin: number
  readonly backoff: number
  /** Told of a renewal that failed while the current token was still valid. */
  readonly onFailedWhileValid: (error: CommonError) => Effect.Effect<void>
}

/** When a refresh is due: `refreshWithin` before expiry, at most half the token's lifetime. @internal */
export const refreshAt = (issued: Issued, refreshWithin: number): number =>
  issued.expiresAt - Math.min(refreshWithin, (issued.expiresAt - issued.issuedAt) / 2)

interface State<T> {
  readonly current: T
  readonly arrivedAt: number
  readonly inFlight: Deferred.Deferred<T, CommonError> | undefined
  readonly failure: { readonly retryAt: number; readonly error: CommonError } | undefined
}

const rejectedFresh = (backoff: number) =>
  new TokenExpired({
    operation: "renewJwt",
    status: 498,
    errors: [],
    renewal: `Plex answered 498 to a token it issued less than ${
      Math.round(backoff / 1000)
    } s ago; no renewal until then`
  })

/** @internal */
export const makeRenewal = <T>(options: RenewalOptions<T>): Effect.Effect<TokenRenewal, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { backoff, times } = options
    const scope = yield* Effect.scope
    const state = yield* Ref.make<State<T>>({
      current: options.initial,
      arrivedAt: options.initialArrivedAt,
      inFlight: undefined,
      failure: undefined
    })

    const settle = (done: Deferred.Deferred<T, CommonError>, exit: Exit.Exit<T, CommonError>) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.modify(state, (s): [boolean, State<T>] => {
          if (Exit.isSuccess(exit)) {
            return [false, { current: exit.value, arrivedAt: now, inFlight: undefined, failure: undefined }]
          }
          const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
          const failure = error === undefined ? s.failure : { retryAt: now + backoff, error }
          return [error !== undefined && now < times(s.current).expiresAt, { ...s, inFlight: undefined, failure }]
        }).pipe(
          Effect.tap((stillValid) =>
            stillValid && Exit.isFailure(exit) && exit.cause._tag === "Fail"
              ? options.onFailedWhileValid(exit.cause.error)
              : Effect.void
          ),
          Effect.zipRight(Deferred.done(done, exit))
        ))

    // The running renewal, or a new one forked into the layer's scope.
    const start = Effect.flatMap(
      Deferred.make<T, CommonError>(),
      (fresh) =>
        Ref.modify(
          state,
          (s): [readonly [Deferred.Deferred<T, CommonError>, boolean], State<T>] =>
            s.inFlight !== undefined ? [[s.inFlight, false], s] : [[fresh, true], { ...s, inFlight: fresh }]
        ).pipe(
          Effect.tap(([done, started]) =>
            started
              ? Effect.forkIn(
                options.renew.pipe(
                  Effect.exit,
                  Effect.flatMap((exit) => settle(done, exit)),
                  Effect.onInterrupt(() => Deferred.interrupt(done))
                ),
                scope
              )
              : Effect.void
          ),
          Effect.map(([done]) => done)
        )
    )

    const awaitRenewal = Effect.flatMap(start, (done) => Effect.map(Deferred.await(done), (t) => times(t).token))

    const current = Effect.flatMap(Effect.zip(Ref.get(state), Clock.currentTimeMillis), ([s, now]) => {
      const issued = times(s.current)
      const { expiresAt, token } = issued
      if (now < refreshAt(issued, options.refreshWithin)) return Effect.succeed(token)
      const backingOff = s.failure !== undefined && now < s.failure.retryAt
      if (now < expiresAt) {
        return backingOff || s.inFlight !== undefined ? Effect.succeed(token) : Effect.as(start, token)
      }
      if (s.inFlight === undefined && backingOff) return Effect.fail(s.failure!.error)
      return awaitRenewal
    })

    const expired = (stale: Redacted.Redacted<string>) =>
      Effect.flatMap(Effect.zip(Ref.get(state), Clock.currentTimeMillis), ([s, now]) => {
        const { token } = times(s.current)
        if (token !== stale) return Effect.succeed(token)
        if (s.inFlight !== undefined) return awaitRenewal
        if (s.failure !== undefined && now < s.failure.retryAt) return Effect.fail(s.failure.error)
        if (now - s.arrivedAt < backoff) return Effect.fail(rejectedFresh(backoff))
        return awaitRenewal
      })

    return { current, expired }
  })
