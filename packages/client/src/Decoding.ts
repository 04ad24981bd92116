/**
 * Decoding Plex bodies yourself, the two ways this library offers.
 *
 * - **Tolerant**, as every operation decodes: `tolerant(schema)`. Essential
 *   fields (the required ones: an account's `id`, `uuid` and `authToken`, a
 *   device's `clientIdentifier` and `accessToken`, …) decode strictly. Any
 *   other field that does not decode is left out, as `Option.none()`, its
 *   default or `[]`, and a list drops the items that do not decode; each is
 *   named in `ignored`, by path and expectation, never by value. One odd field
 *   then cannot sink a call, or throw away the token a sign-in just minted.
 * - **Strict**: `Schema.decodeUnknown(UserPlexAccount)` (or any other schema
 *   of this library) rejects a body with any field out of shape.
 *
 * @example
 * ```ts
 * import { Either, Schema } from "effect"
 * import { tolerant } from "@effect-plex/client/Decoding"
 * import { UserPlexAccount } from "@effect-plex/client/UserPlexAccount"
 *
 * const body: unknown = { id: 1, uuid: "u", authToken: "t", scrobbleTypes: 10 }
 * const lenient = tolerant(UserPlexAccount)(body)        // Right: scrobbleTypes is none, and named in ignored
 * const strict = Schema.decodeUnknownEither(UserPlexAccount)(body) // Left
 * const both = [Either.isRight(lenient), Either.isLeft(strict)]
 * ```
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import { compile } from "./internal/compiler.js"
import { describeIgnored } from "./internal/decode.js"
import type { SchemaIssue } from "./PlexError.js"

/**
 * A tolerantly decoded value, with what was left out of it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tolerated<A> {
  readonly value: A
  readonly ignored: ReadonlyArray<SchemaIssue>
}

/**
 * The tolerant reader for `schema`, compiled once: call it for each body.
 * Fails only when an essential field does not decode, with Schema's own
 * `ParseError`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const tolerant = <A, I>(
  schema: Schema.Schema<A, I, never>
): (input: unknown) => Either.Either<Tolerated<A>, ParseResult.ParseError> => {
  const decode = compile(schema)
  return (input) => {
    const decoded = decode(input)
    return decoded._tag === "Mismatch"
      ? Either.left(decoded.error)
      : Either.right({
        value: decoded.value,
        ignored: decoded.ignored.length === 0 ? [] : describeIgnored(decoded.ignored)
      })
  }
}
