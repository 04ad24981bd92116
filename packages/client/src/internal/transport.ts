/**
 * Stage 2: send the request. Transport failures become `TransportError`, and
 * the token header is registered as redacted for any middleware of the
 * caller's HttpClient that logs requests.
 *
 * Redirects are never followed: fetch would carry `X-Plex-Token` to another
 * origin, so a 3xx comes back as a status, with the caller's other fetch
 * options left as they were.
 *
 * The platform's own `http.client` span is replaced by one opened here: the
 * platform records the raw transport error, whose cause may quote what was
 * sent, while this span only ever fails with the scrubbed `TransportError`.
 * With the platform span off, the platform adds no `b3` or `traceparent`
 * header either, so no trace context goes to Plex.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
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

const always = () => true

const noRedirects = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(self, FetchHttpClient.RequestInit, {
      ...(init._tag === "Some" ? init.value : {}),
      redirect: "manual"
    }))

const spanAttributes = (request: HttpClientRequest.HttpClientRequest) => {
  const url = new URL(request.url)
  return {
    "http.request.method": request.method,
    "server.address": url.origin,
    "url.full": url.href,
    "url.path": url.pathname
  }
}

/** @internal */
export const send = (
  operation: string,
  request: HttpClientRequest.HttpClientRequest,
  secrets: ReadonlyArray<string>
): Effect.Effect<HttpClientResponse.HttpClientResponse, TransportError, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(request)).pipe(
    noRedirects,
    Effect.mapError((error) => transportError(operation, "request", error, secrets)),
    Effect.tap((response) => Effect.annotateCurrentSpan("http.response.status_code", response.status)),
    Effect.locally(HttpClient.currentTracerDisabledWhen, always),
    Effect.locallyWith(Headers.currentRedactedNames, addTokenHeaderName),
    Effect.withSpan(`http.client ${request.method}`, {
      kind: "client",
      captureStackTrace: false,
      attributes: spanAttributes(request)
    })
  )
