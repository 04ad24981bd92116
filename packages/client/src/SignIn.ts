/**
 * `postUsersSignInData` (alias `signIn`): exchange a login and password for
 * the account and its token.
 *
 * @since 0.1.0
 */
import { accountFromXml } from "@effect-plex/core/Xml"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import { run } from "./internal/pipeline.js"
import { reveal } from "./internal/secrets.js"
import { hasPlexCode } from "./internal/status.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import {
  type CommonError,
  type InvalidInput,
  SignInLockedOut,
  type StatusError,
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
  /**
   * Ask plex.tv to keep the token valid longer. Default true, as
   * python-plexapi and plex-api.rs send it (plex.tv's own default, per the
   * spec, is false).
   */
  readonly rememberMe?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category errors
 */
export type SignInError = CommonError | VerificationCodeRequired | SignInLockedOut | InvalidInput

// The same 401 covers a wrong password, a missing code and a lock-out: only
// Plex's code tells them apart.
const refine = (error: StatusError) => {
  if (error._tag !== "BadRequest" && error._tag !== "Unauthorized") return undefined
  if (hasPlexCode(error, 1031)) return new SignInLockedOut(error)
  if (hasPlexCode(error, 1029)) return new VerificationCodeRequired(error)
  return undefined
}

const password = (request: SignInRequest) => reveal(request.password)

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
) => Effect.Effect<UserPlexAccount, SignInError, HttpClient.HttpClient | PlexCredentials> = run({
  name: "postUsersSignInData",
  target: "plex.tv",
  method: "POST",
  path: "/users/signin",
  token: "never",
  form: (request: SignInRequest) => [
    ["login", request.login],
    ["password", password(request)],
    ["rememberMe", String(request.rememberMe ?? true)],
    ...(request.verificationCode === undefined ? [] : [["verificationCode", request.verificationCode] as const])
  ],
  secrets: (request) => [password(request), request.verificationCode],
  success: UserPlexAccount,
  // We ask for JSON, but a 201 in XML still carries the token Plex has issued.
  xml: accountFromXml,
  refine,
  idempotent: false
})

/**
 * A friendlier name for `postUsersSignInData`.
 *
 * @since 0.1.0
 * @category operations
 */
export const signIn = postUsersSignInData
