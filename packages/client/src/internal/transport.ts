/**
 * Stage 2: send the request. Transport failures become `TransportError`, and
 * the token header is registered as redacted for any middleware of the
 * caller's HttpClient that logs requests.
 *
 * Redirects are never followed: fetch would carry `X-Plex-Token` to another
 * origin, so a 3xx comes back as a status, with the caller's other fetch
 * options left as they were.
 *
 * The platform's own `http.client` span is off: it records the raw transport
 * error, whose cause may quote what was sent. The operation's span stands in
 * its place. With the platform span off, the platform adds no `b3` or
 * `traceparent` header either, so no trace context goes to Plex.
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
import type { Unstamped } from "./failure.js"
import { tokenHeaderName } from "./secrets.js"
import { transportFailure } from "./transportFailure.js"

const addTokenHeaderName = (names: ReadonlyArray<string | RegExp>) =>
  names.includes(tokenHeaderName) ? names : [...names, tokenHeaderName]

const always = () => true

// The caller's fetch options, with redirects off: worked out once per options
// object the caller provides, not on every call.
const noRedirects = new WeakMap<globalThis.RequestInit, globalThis.RequestInit>()
const defaultInit: globalThis.RequestInit = { redirect: "manual" }

const manualRedirects = (init: globalThis.RequestInit | undefined): globalThis.RequestInit => {
  if (init === undefined) return defaultInit
  let merged = noRedirects.get(init)
  if (merged === undefined) {
    merged = { ...init, redirect: "manual" }
    noRedirects.set(init, merged)
  }
  return merged
}

/** @internal */
export const send = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, Unstamped<TransportError>, HttpClient.HttpClient> =>
  Effect.withFiberRuntime((fiber) => {
    const context = fiber.currentContext
    const client = context.unsafeMap.get(HttpClient.HttpClient.key) as HttpClient.HttpClient
    const init = context.unsafeMap.get(FetchHttpClient.RequestInit.key) as globalThis.RequestInit | undefined
    return client.execute(request).pipe(
      Effect.provideService(FetchHttpClient.RequestInit, manualRedirects(init)),
      Effect.mapError((error) => transportFailure("request", error)),
      Effect.locally(HttpClient.currentTracerDisabledWhen, always),
      Effect.locallyWith(Headers.currentRedactedNames, addTokenHeaderName)
    )
  })
