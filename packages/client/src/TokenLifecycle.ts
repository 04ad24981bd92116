/**
 * Keeping a token alive, ending it, and telling whether it still works.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { run } from "./internal/pipeline.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import type { CommonError, MissingCredential } from "./PlexError.js"
import { getTokenDetails, type GetTokenDetailsError } from "./TokenDetails.js"
import type { UserPlexAccount } from "./UserPlexAccount.js"

/**
 * `GET {plex.tv}/ping`: refreshes the token so that it does not expire.
 *
 * @since 0.1.0
 * @category operations
 */
export const ping: () => Effect.Effect<void, CommonError | MissingCredential, HttpClient.HttpClient | PlexCredentials> =
  run({ name: "ping", target: "plex.tv", method: "GET", path: "/ping", token: "required" })

/**
 * `DELETE {plex.tv}/users/signout`: ends the token.
 *
 * @since 0.1.0
 * @category operations
 */
export const signOut: () => Effect.Effect<
  void,
  CommonError | MissingCredential,
  HttpClient.HttpClient | PlexCredentials
> = run({ name: "signOut", target: "plex.tv", method: "DELETE", path: "/users/signout", token: "required" })

/**
 * What `validate` concluded.
 * - `Valid`: plex.tv accepted the token.
 * - `Invalid`: plex.tv rejected it (401, 422 "invalid token", or 498 for an expired Plex JWT), or there is none: discard it.
 * - `Unknown`: plex.tv could not say (unreachable, 5xx, timeout, …): keep the token.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenValidity = Data.TaggedEnum<{
  Valid: { readonly account: UserPlexAccount }
  Invalid: { readonly reason: string }
  Unknown: { readonly reason: string }
}>

/**
 * Constructors and matchers for `TokenValidity`.
 *
 * @since 0.1.0
 * @category models
 */
export const TokenValidity = Data.taggedEnum<TokenValidity>()

/**
 * Whether the token still works. Never fails: an unreachable plex.tv is
 * `Unknown`, never `Invalid`, so a network blip does not throw a token away.
 *
 * @since 0.1.0
 * @category operations
 */
export const validate = (): Effect.Effect<TokenValidity, never, HttpClient.HttpClient | PlexCredentials> =>
  getTokenDetails().pipe(
    Effect.map((account): TokenValidity => TokenValidity.Valid({ account })),
    Effect.catchAll((error) => Effect.succeed(classify(error))),
    Effect.withSpan("plex.validate")
  )

const classify = (error: GetTokenDetailsError): TokenValidity => {
  if (error._tag === "MissingCredential") return TokenValidity.Invalid({ reason: "no token" })
  if (error._tag === "Unauthorized" && (error.status === 401 || error.status === 422)) {
    return TokenValidity.Invalid({ reason: `plex.tv rejected the token (${error.status})` })
  }
  if (error._tag === "TokenExpired") {
    return TokenValidity.Invalid({ reason: "the Plex JWT has expired (498): renew it with Jwt.exchange" })
  }
  if (error._tag === "UnexpectedStatus" && error.status === 422) {
    return TokenValidity.Invalid({ reason: "plex.tv reports an invalid token (422)" })
  }
  return TokenValidity.Unknown({ reason: error.message })
}
