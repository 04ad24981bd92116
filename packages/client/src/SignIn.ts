/**
 * `postUsersSignInData` (alias `signIn`): exchange a login and password for
 * the account and its token.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { execute } from "./internal/execute.js"
import { signInOperation } from "./internal/operations.js"
import { fastDecoder } from "./internal/schemas.js"
import { anonymous, encodeParams, type Params } from "./internal/request.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import {
  type BadRequest,
  type CommonError,
  InvalidInput,
  SignInLockedOut,
  type Unauthorized,
  VerificationCodeRequired
} from "./PlexError.js"
import { UserPlexAccount } from "./UserPlexAccount.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface SignInRequest {
  /** User name or e-mail address. */
  readonly login: string
  /** Sent only in the form body; prefer `Redacted` so it never prints. */
  readonly password: Redacted.Redacted<string> | string
  /** The current two-factor code, after a `VerificationCodeRequired`. */
  readonly verificationCode?: string | undefined
  /** Ask plex.tv to remember the token longer. Left to plex.tv's default when absent. */
  readonly rememberMe?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category errors
 */
export type SignInError = CommonError | VerificationCodeRequired | SignInLockedOut | InvalidInput

const operation = signInOperation
const decode = fastDecoder(UserPlexAccount)

const hasCode = (error: BadRequest | Unauthorized, code: number) =>
  error.errors.some((detail) => Option.contains(detail.code, code))

// The same 401 covers a wrong password, a missing code and a lock-out: only
// Plex's code tells them apart.
const refine = (error: BadRequest | Unauthorized) => {
  if (hasCode(error, 1031)) return Effect.fail(new SignInLockedOut(error))
  if (hasCode(error, 1029)) return Effect.fail(new VerificationCodeRequired(error))
  return Effect.fail(error)
}

const form = (request: SignInRequest, password: string): Params => [
  ["login", request.login],
  ["password", password],
  ...(request.rememberMe === undefined ? [] : [["rememberMe", String(request.rememberMe)] as const]),
  ...(request.verificationCode === undefined ? [] : [["verificationCode", request.verificationCode] as const])
]

/**
 * `POST {plex.tv}/users/signin`, form-encoded. The password goes only into
 * the body, and the account's `authToken` comes back as `Redacted`.
 *
 * Never retry a sign-in on a response: repeated failures lock the IP out
 * (`SignInLockedOut`). `Retry.transient` knows this and retries sign-in only
 * when the connection failed before any response.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { signIn } from "@effect-plex/client/SignIn"
 *
 * const program = signIn({ login: "me@example.com", password: Redacted.make("hunter2") }).pipe(
 *   Effect.catchTag("VerificationCodeRequired", () => Effect.fail("ask the user for their code"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const postUsersSignInData: (
  request: SignInRequest
) => Effect.Effect<UserPlexAccount, SignInError, HttpClient.HttpClient | PlexCredentials> = Effect.fn(
  "plex.postUsersSignInData"
)(function*(request: SignInRequest) {
  const password = Redacted.isRedacted(request.password) ? Redacted.value(request.password) : request.password
  if (request.login.length === 0) return yield* new InvalidInput({ operation, field: "login", reason: "is empty" })
  if (password.length === 0) return yield* new InvalidInput({ operation, field: "password", reason: "is empty" })
  const body = yield* encodeParams(operation, form(request, password))
  const httpRequest = yield* anonymous("POST", "/users/signin", { form: body })
  return yield* execute(operation, httpRequest, decode, [password]).pipe(
    Effect.catchTags({ BadRequest: refine, Unauthorized: refine })
  )
})

/**
 * A friendlier name for `postUsersSignInData`.
 *
 * @since 0.1.0
 * @category operations
 */
export const signIn = postUsersSignInData
