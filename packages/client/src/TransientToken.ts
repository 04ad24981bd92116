/**
 * `getTransientToken`: a short-lived token from a Plex Media Server, with the
 * same access as the caller's token, valid for up to 48 hours and gone when
 * the server restarts.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { execute } from "./internal/execute.js"
import { authenticated, encodeParams } from "./internal/request.js"
import { IntLike, optionalOption, Secret } from "./internal/schemas.js"
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
  token: Secret,
  size: optionalOption(IntLike),
  identifier: optionalOption(Schema.String),
  offset: optionalOption(IntLike),
  totalSize: optionalOption(IntLike)
}) {}

const decodeContainer = Schema.decodeUnknown(Schema.Struct({ MediaContainer: TransientToken }))
const decode = (input: unknown) => Effect.map(decodeContainer(input), (body) => body.MediaContainer)

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

const operation = "getTransientToken"

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
) => Effect.Effect<TransientToken, GetTransientTokenError, HttpClient.HttpClient | PlexCredentials> = Effect.fn(
  "plex.getTransientToken"
)(function*(request: GetTransientTokenRequest = { type: "delegation", scope: "all" }) {
  const query = yield* encodeParams(operation, [["type", request.type], ["scope", request.scope]])
  const httpRequest = yield* authenticated(operation, "server", "GET", "/security/token", query)
  return yield* execute(operation, httpRequest, decode)
})
