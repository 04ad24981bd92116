/**
 * `getTransientToken`: a short-lived token from a Plex Media Server, with the
 * same access as the caller's token, valid for up to 48 hours and gone when
 * the server restarts.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { run } from "./internal/pipeline.js"
import { IntLike, NonEmptySecret, optionalOption } from "./internal/schemas.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import type { CommonError, InvalidInput, MissingCredential } from "./PlexError.js"

/**
 * The `MediaContainer` of `/security/token`. Note `size` is `0` even though
 * the container carries the token.
 *
 * @since 0.1.0
 * @category schemas
 */
export class TransientToken extends Schema.Class<TransientToken>("@effect-plex/client/TransientToken")({
  token: NonEmptySecret,
  size: optionalOption(IntLike),
  identifier: optionalOption(Schema.String),
  offset: optionalOption(IntLike),
  totalSize: optionalOption(IntLike)
}) {}

/**
 * The body of `/security/token`: the token inside its `MediaContainer`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransientTokenContainer = Schema.Struct({ MediaContainer: TransientToken })

/**
 * The only values Plex accepts.
 *
 * @since 0.1.0
 * @category models
 */
export interface GetTransientTokenRequest {
  readonly type: "delegation"
  readonly scope: "all"
}

/**
 * @since 0.1.0
 * @category errors
 */
export type GetTransientTokenError = CommonError | MissingCredential | InvalidInput

/**
 * `GET {server}/security/token?type=delegation&scope=all`. Unlike plexjs,
 * this returns the token (as `Redacted`) instead of discarding the body.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { getTransientToken } from "@effect-plex/client/TransientToken"
 *
 * const program = Effect.map(getTransientToken(), (t) => Redacted.value(t.token).startsWith("transient-"))
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const getTransientToken: (
  request?: GetTransientTokenRequest
) => Effect.Effect<TransientToken, GetTransientTokenError, HttpClient.HttpClient | PlexCredentials> = run({
  name: "getTransientToken",
  target: "server",
  method: "GET",
  path: "/security/token",
  token: "required",
  query: (request: GetTransientTokenRequest = { type: "delegation", scope: "all" }) => [
    ["type", request.type],
    ["scope", request.scope]
  ],
  success: TransientTokenContainer,
  extract: (body) => body.MediaContainer
})
