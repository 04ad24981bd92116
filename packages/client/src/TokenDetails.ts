/**
 * `getTokenDetails`: the plex.tv account a token belongs to.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import { execute } from "./internal/execute.js"
import { fastDecoder } from "./internal/schemas.js"
import { authenticated } from "./internal/request.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import type { CommonError, MissingCredential } from "./PlexError.js"
import { UserPlexAccount } from "./UserPlexAccount.js"

/**
 * @since 0.1.0
 * @category errors
 */
export type GetTokenDetailsError = CommonError | MissingCredential

const operation = "getTokenDetails"
const decode = fastDecoder(UserPlexAccount)

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
> = Effect.fn("plex.getTokenDetails")(function*() {
  const request = yield* authenticated(operation, "plex.tv", "GET", "/user")
  return yield* execute(operation, request, decode)
})
