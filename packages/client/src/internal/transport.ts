/**
 * Stage 2: send the request. Transport failures become `TransportError`; the
 * token header is redacted from spans, and no trace headers go to Plex.
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import type { TransportError } from "../PlexError.js"
import { tokenHeaderName } from "./secrets.js"
import { transportError } from "./transportFailure.js"

const addTokenHeaderName = (names: ReadonlyArray<string | RegExp>) =>
  names.includes(tokenHeaderName) ? names : [...names, tokenHeaderName]

/** @internal */
export const send = (
  operation: string,
  request: HttpClientRequest.HttpClientRequest,
  secrets: ReadonlyArray<string>
): Effect.Effect<HttpClientResponse.HttpClientResponse, TransportError, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(request)).pipe(
    Effect.mapError((error) => transportError(operation, "request", error, secrets)),
    Effect.locally(HttpClient.currentTracerPropagation, false),
    Effect.locallyWith(Headers.currentRedactedNames, addTokenHeaderName)
  )
