/**
 * Stage 3: decide by status. A 2xx passes through (plex.tv answers sign-in
 * with 201, and mocks of it with 200); everything else becomes a typed error
 * carrying Plex's `errors[]` when the body has them.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
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
import { type Stamp, Unstamped } from "./failure.js"
import { parseRetryAfter } from "./retryAfter.js"

// Plex's error bodies are a few hundred bytes; more is a page nobody needs.
const maxErrorBodyBytes = 64 * 1024

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

// Older plex.tv endpoints answer a de-authorized token (a password reset
// with "sign out all devices") with 422 and "Invalid token".
const invalidToken = (details: ReadonlyArray<PlexErrorDetail>) =>
  details.some((detail) => Option.exists(detail.message, (message) => /^\s*invalid token\b/i.test(message)))

const toError = (
  response: HttpClientResponse.HttpClientResponse,
  details: ReadonlyArray<PlexErrorDetail>,
  now: number
): Unstamped<StatusError> =>
  new Unstamped((stamp) => {
    const fields = { ...stamp.common, status: response.status, errors: scrubbed(stamp, details) }
    switch (response.status) {
      case 400:
        return new BadRequest(fields)
      case 401:
      case 403:
        return new Unauthorized(fields)
      case 498:
        return new TokenExpired(fields)
      case 422:
        return invalidToken(details) ? new Unauthorized(fields) : new UnexpectedStatus({ ...fields })
      case 429:
        return new RateLimited({ ...fields, retryAfter: parseRetryAfter(response.headers["retry-after"], now) })
      default:
        return new UnexpectedStatus({ ...fields, retryAfter: parseRetryAfter(response.headers["retry-after"], now) })
    }
  })

/** @internal */
export const checkStatus = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<HttpClientResponse.HttpClientResponse, Unstamped<StatusError>> =>
  response.status >= 200 && response.status < 300
    ? Effect.succeed(response)
    : Effect.flatMap(
      Effect.zip(readDetails(response), Clock.currentTimeMillis),
      ([details, now]) => Effect.fail(toError(response, details, now))
    )
