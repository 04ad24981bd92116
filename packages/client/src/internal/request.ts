/**
 * Stage 1 of every call: build the exact request. The token only ever goes
 * into the `X-Plex-Token` header, and query and form values are percent-encoded
 * from UTF-8 here, so nothing downstream re-encodes them.
 *
 * @internal
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { PlexCredentials, type PlexCredentialsService } from "../PlexCredentials.js"
import { InvalidInput, MissingCredential } from "../PlexError.js"
import { tokenHeaderName } from "./secrets.js"

/** Name/value pairs in wire order. @internal */
export type Params = ReadonlyArray<readonly [name: string, value: string]>

/**
 * `a=1&b=2`, with `encodeURIComponent` (so a space is `%20`, never `+`). A
 * lone surrogate cannot be encoded as UTF-8, so it is refused, not replaced.
 *
 * @internal
 */
export const encodeParams = (operation: string, params: Params): Effect.Effect<string, InvalidInput> => {
  for (const [name, value] of params) {
    if (!value.isWellFormed()) {
      return Effect.fail(new InvalidInput({ operation, field: name, reason: "contains an unpaired UTF-16 surrogate" }))
    }
  }
  return Effect.succeed(params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&"))
}

const withQuery = (url: string, query: string) => query === "" ? url : `${url}?${query}`

const requireToken = (operation: string, credentials: PlexCredentialsService) =>
  Option.match(credentials.token, {
    onNone: () => Effect.fail(new MissingCredential({ operation, missing: "token" })),
    onSome: (token) => Effect.succeed(Redacted.value(token))
  })

/** @internal */
export type Target = "plex.tv" | "server"

const baseUrl = (operation: string, target: Target, credentials: PlexCredentialsService) =>
  target === "plex.tv"
    ? Effect.succeed(credentials.plexTvUrl)
    : Option.match(credentials.serverUrl, {
      onNone: () => Effect.fail(new MissingCredential({ operation, missing: "serverUrl" })),
      onSome: Effect.succeed
    })

/**
 * A GET to any URL (a discovered server's connection) with the identity
 * headers and, when there is one, the token.
 *
 * @internal
 */
export const getWithIdentity = (
  url: string,
  token: Option.Option<Redacted.Redacted<string>>
): Effect.Effect<HttpClientRequest.HttpClientRequest, never, PlexCredentials> =>
  Effect.map(PlexCredentials, (credentials) =>
    HttpClientRequest.get(url, {
      headers: Option.match(token, {
        onNone: () => credentials.headers,
        onSome: (value) => ({ ...credentials.headers, [tokenHeaderName]: Redacted.value(value) })
      })
    }))

/**
 * A request carrying the identity headers and the token.
 *
 * @internal
 */
export const authenticated = (
  operation: string,
  target: Target,
  method: "GET" | "POST" | "DELETE",
  path: string,
  query = ""
): Effect.Effect<HttpClientRequest.HttpClientRequest, MissingCredential, PlexCredentials> =>
  Effect.flatMap(PlexCredentials, (credentials) =>
    Effect.zipWith(
      baseUrl(operation, target, credentials),
      requireToken(operation, credentials),
      (base, token) =>
        HttpClientRequest.make(method)(withQuery(base + path, query), {
          headers: { ...credentials.headers, [tokenHeaderName]: token }
        })
    ))

/**
 * A plex.tv request with the identity headers and no token, even when one is
 * configured: sign-in and the PIN flow.
 *
 * @internal
 */
export const anonymous = (
  method: "GET" | "POST",
  path: string,
  options: { readonly query?: string | undefined; readonly form?: string | undefined } = {}
): Effect.Effect<HttpClientRequest.HttpClientRequest, never, PlexCredentials> =>
  Effect.map(PlexCredentials, (credentials) =>
    HttpClientRequest.make(method)(withQuery(credentials.plexTvUrl + path, options.query ?? ""), {
      headers: credentials.headers,
      body: options.form === undefined ? undefined : HttpBody.text(options.form, "application/x-www-form-urlencoded")
    }))
