/**
 * `getTokenDetails`: the plex.tv account a token belongs to.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import { run } from "./internal/pipeline.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import type { CommonError, MissingCredential } from "./PlexError.js"
import { UserPlexAccount } from "./UserPlexAccount.js"

/**
 * @since 0.1.0
 * @category errors
 */
export type GetTokenDetailsError = CommonError | MissingCredential

/**
 * `GET {plex.tv}/user`. A 401 (`Unauthorized`) means the token is no good;
 * any other failure says nothing about the token.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { getTokenDetails } from "@effect-plex/client/TokenDetails"
 * import * as Retry from "@effect-plex/client/Retry"
 *
 * const whoami = getTokenDetails().pipe(
 *   Retry.retry(),
 *   Effect.map((account) => account.username)
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const getTokenDetails: () => Effect.Effect<
  UserPlexAccount,
  GetTokenDetailsError,
  HttpClient.HttpClient | PlexCredentials
> = run({
  name: "getTokenDetails",
  target: "plex.tv",
  method: "GET",
  path: "/user",
  token: "required",
  success: UserPlexAccount
})
