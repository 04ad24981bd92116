/**
 * Stage 2: send the request. Transport failures become `TransportError`.
 * `configureTransport` sets, in the attempt's own fiber, what every request
 * runs with: the token header redacted for any middleware of the caller's
 * HttpClient that logs requests, redirects off, and the platform's span off.
 *
 * Redirects are never followed: fetch would carry `X-Plex-Token` to another
 * origin. fetch runs with `redirect: "error"` (the caller's other fetch
 * options left as they were), so a 3xx fails inside the transport, before a
 * `HttpClient.followRedirects` above it could see the answer and send the
 * request again; it becomes a `TransportError` of phase `redirect`. node:http and
 * undici never follow on their own, and a 3xx comes back as a status.
 * Nothing below `followRedirects` sees a 3xx there first, so with those
 * transports it must not wrap the client (see the README).
 *
 * The platform's own `http.client` span is off: it records the raw transport
 * error, whose cause may quote what was sent. The operation's span stands in
 * its place. With the platform span off, the platform adds no `b3` or
 * `traceparent` header either, so no trace context goes to Plex.
 *
 * @internal
 */
import { tokenHeaderName } from "@effect-plex/core/Wire"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import type { TransportError } from "../PlexError.js"
import type { Unstamped } from "./failure.js"
import { transportFailure } from "./transportFailure.js"

// Both worked out once per value the caller's runtime holds, not per call.
const withTokenName = new WeakMap<ReadonlyArray<string | RegExp>, ReadonlyArray<string | RegExp>>()
const noRedirects = new WeakMap<globalThis.RequestInit, globalThis.RequestInit>()
const defaultInit: globalThis.RequestInit = { redirect: "error" }

const redactingToken = (names: ReadonlyArray<string | RegExp>) => {
  let out = withTokenName.get(names)
  if (out === undefined) {
    out = names.includes(tokenHeaderName) ? names : [...names, tokenHeaderName]
    withTokenName.set(names, out)
  }
  return out
}

const refusingRedirects = (init: globalThis.RequestInit | undefined): globalThis.RequestInit => {
  if (init === undefined) return defaultInit
  let merged = noRedirects.get(init)
  if (merged === undefined) {
    merged = { ...init, redirect: "error" }
    noRedirects.set(init, merged)
  }
  return merged
}

const always = () => true

/**
 * The transport's settings, set in the fiber of one attempt (see
 * `attempt.ts`), whose FiberRefs never flow back to the caller: the
 * platform's span off, the token header redacted, redirects not followed.
 *
 * @internal
 */
export const configureTransport: Effect.Effect<void> = Effect.withFiberRuntime((fiber) => {
  const context = fiber.currentContext
  const init = context.unsafeMap.get(FetchHttpClient.RequestInit.key) as globalThis.RequestInit | undefined
  return FiberRef.set(
    FiberRef.currentContext,
    Context.add(context, FetchHttpClient.RequestInit, refusingRedirects(init))
  )
    .pipe(
      Effect.zipRight(FiberRef.set(HttpClient.currentTracerDisabledWhen, always)),
      Effect.zipRight(
        FiberRef.set(Headers.currentRedactedNames, redactingToken(fiber.getFiberRef(Headers.currentRedactedNames)))
      )
    )
})

/** @internal */
export const send = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, Unstamped<TransportError>, HttpClient.HttpClient> =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) => Effect.mapError(client.execute(request), (error) => transportFailure("request", error))
  )
