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
import {
  BadRequest,
  type PlexErrorDetail,
  RateLimited,
  type StatusError,
  Unauthorized,
  UnexpectedStatus
} from "../PlexError.js"
import { readText } from "./body.js"
import { parseErrorDetails } from "./errorBody.js"

// Plex's error bodies are a few hundred bytes; more is a page nobody needs.
const maxErrorBodyBytes = 64 * 1024
import { parseRetryAfter } from "./retryAfter.js"
import { scrub } from "./secrets.js"

// A server may echo what it was sent ("token … is invalid"), so the details
// are scrubbed of it like transport errors are.
const readDetails = (
  response: HttpClientResponse.HttpClientResponse,
  secrets: ReadonlyArray<string>
): Effect.Effect<Array<PlexErrorDetail>> =>
  readText(response, maxErrorBodyBytes).pipe(
    Effect.map((text) => parseErrorDetails(scrub(text, secrets))),
    Effect.orElseSucceed(() => [])
  )

const toError = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse,
  errors: Array<PlexErrorDetail>
): Effect.Effect<never, StatusError> => {
  const status = response.status
  const fields = { operation, status, errors }
  switch (status) {
    case 400:
      return Effect.fail(new BadRequest(fields))
    case 401:
    case 403:
      return Effect.fail(new Unauthorized(fields))
    case 429:
      return Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.fail(
          new RateLimited({ ...fields, retryAfter: parseRetryAfter(response.headers["retry-after"], now) })
        ))
    default:
      return Effect.fail(new UnexpectedStatus(fields))
  }
}

/** @internal */
export const checkStatus = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse,
  secrets: ReadonlyArray<string>
): Effect.Effect<HttpClientResponse.HttpClientResponse, StatusError> =>
  response.status >= 200 && response.status < 300
    ? Effect.succeed(response)
    : Effect.flatMap(readDetails(response, secrets), (errors) => toError(operation, response, errors))
