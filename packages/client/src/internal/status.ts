/**
 * Stage 3: decide by status. A 2xx passes through (plex.tv answers sign-in
 * with 201, and mocks of it with 200); everything else becomes a typed error
 * carrying Plex's `errors[]` when the body has them.
 *
 * @internal
 */
import { retryAfterMillis } from "@effect-plex/core/RetryAfter"
import { isSuccess, maxErrorBodyBytes, statusKind } from "@effect-plex/core/Status"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import {
  BadRequest,
  PlexErrorDetail,
  RateLimited,
  type StatusError,
  TokenExpired,
  Unauthorized,
  UnexpectedStatus
} from "../PlexError.js"
import { readText } from "./body.js"
import { parseErrorDetails } from "./errorBody.js"
import type { Stamp } from "./failure.js"

const readDetails = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<Array<PlexErrorDetail>> =>
  readText(response, maxErrorBodyBytes).pipe(
    Effect.map(parseErrorDetails),
    Effect.orElseSucceed(() => [])
  )

// A server may echo what it was sent ("token … is invalid"), so the details
// are scrubbed of the call's secrets.
const scrubbed = (stamp: Stamp, details: ReadonlyArray<PlexErrorDetail>) =>
  details.map((detail) => new PlexErrorDetail({ ...detail, message: Option.map(detail.message, stamp.scrub) }))

/** Whether Plex's `errors[]` name `code` (1029 on sign-in, 1041 on a Home switch, …). @internal */
export const hasPlexCode = (error: { readonly errors: ReadonlyArray<PlexErrorDetail> }, code: number): boolean =>
  error.errors.some((detail) => Option.contains(detail.code, code))

const retryAfter = (response: HttpClientResponse.HttpClientResponse, now: number) =>
  Option.map(
    Option.fromNullable(retryAfterMillis(response.headers["retry-after"], now)),
    Duration.millis
  )

const toError = (
  response: HttpClientResponse.HttpClientResponse,
  details: ReadonlyArray<PlexErrorDetail>,
  now: number,
  stamp: Stamp
): StatusError => {
  const fields = { ...stamp.common, status: response.status, errors: scrubbed(stamp, details) }
  const plain = details.map((d) => ({ message: Option.getOrUndefined(d.message) }))
  switch (statusKind(response.status, plain)) {
    case "BadRequest":
      return new BadRequest(fields)
    case "Unauthorized":
      return new Unauthorized(fields)
    case "TokenExpired":
      return new TokenExpired(fields)
    case "RateLimited":
      return new RateLimited({ ...fields, retryAfter: retryAfter(response, now) })
    case "UnexpectedStatus":
      return new UnexpectedStatus({ ...fields, retryAfter: retryAfter(response, now) })
  }
}

/** @internal */
export const checkStatus = (
  response: HttpClientResponse.HttpClientResponse,
  stamp: Stamp
): Effect.Effect<HttpClientResponse.HttpClientResponse, StatusError> =>
  isSuccess(response.status)
    ? Effect.succeed(response)
    : Effect.flatMap(
      Effect.zip(readDetails(response), Clock.currentTimeMillis),
      ([details, now]) => Effect.fail(toError(response, details, now, stamp))
    )
