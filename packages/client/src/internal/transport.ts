/**
 * Stage 2: send the request through the caller's HttpClient, made into the
 * Plex client by the platform's own combinators. Transport failures become
 * `TransportError`.
 *
 * What every Plex request runs with:
 * - **Redirects are never followed**: fetch would carry `X-Plex-Token` to
 *   another origin. fetch runs with `redirect: "error"` (the caller's other
 *   fetch options kept), so a 3xx fails inside the transport, before a
 *   `HttpClient.followRedirects` above it could see the answer and send the
 *   request again; it becomes a `TransportError` of phase `redirect`.
 *   node:http and undici never follow on their own, and a 3xx comes back as
 *   a status. Nothing below `followRedirects` sees a 3xx there first, so with
 *   those transports it must not wrap the client (see the README).
 * - **The platform's own `http.client` span is off**: it records the raw
 *   transport error, whose cause may quote what was sent. The operation's
 *   span stands in its place. With it off, the platform adds no `b3` or
 *   `traceparent` header either, so no trace context goes to Plex.
 * - **The token header is redacted** for any middleware of the caller's
 *   client that logs or inspects requests.
 *
 * @internal
 */
import { tokenHeaderName } from "@effect-plex/core/Wire"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { TransportError } from "../PlexError.js"
import type { Stamp } from "./failure.js"
import { transportFailure } from "./transportFailure.js"

const always = () => true

const withTokenName = (names: ReadonlyArray<string | RegExp>) =>
  names.includes(tokenHeaderName) ? names : [...names, tokenHeaderName]

const refusingRedirects = <A, E, R>(response: Effect.Effect<A, E, R>) =>
  Effect.flatMap(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init) =>
      Effect.provideService(response, FetchHttpClient.RequestInit, {
        ...Option.getOrUndefined(init),
        redirect: "error"
      })
  )

/**
 * The caller's client as every Plex request uses it.
 *
 * @internal
 */
export const plexClient = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  client.pipe(
    HttpClient.withTracerDisabledWhen(always),
    HttpClient.transformResponse((response) =>
      Effect.locallyWith(response, Headers.currentRedactedNames, withTokenName)
    ),
    HttpClient.transformResponse(refusingRedirects)
  )

/** @internal */
export const send = (
  request: HttpClientRequest.HttpClientRequest,
  stamp: Stamp
): Effect.Effect<HttpClientResponse.HttpClientResponse, TransportError, HttpClient.HttpClient> =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) =>
      Effect.mapError(plexClient(client).execute(request), (error) => transportFailure("request", error, stamp))
  )
