/**
 * Stage 1 of every call: build the exact request from an operation's
 * description, the credentials and the input. The token only ever goes into
 * the `X-Plex-Token` header, and query and form values are percent-encoded
 * from UTF-8 here, so nothing downstream re-encodes them.
 *
 * @internal
 */
import { encodeParams, type Params, tokenHeaderName } from "@effect-plex/core/Wire"
import * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import type { PlexCredentialsService } from "../PlexCredentials.js"
import { InvalidInput, MissingCredential } from "../PlexError.js"
import type { Description } from "./description.js"
import type { Stamp } from "./failure.js"

const encode = (params: Params, stamp: Stamp): string | InvalidInput => {
  const encoded = encodeParams(params)
  return typeof encoded === "string" ? encoded : new InvalidInput({ ...stamp.common, ...encoded })
}

const tokenHeaders = (credentials: PlexCredentialsService, token: Redacted.Redacted<string>): Headers.Headers =>
  Headers.set(credentials.headers, tokenHeaderName, Redacted.value(token))

/** @internal */
export const buildRequest = <In>(
  description: Description<In, unknown, unknown>,
  credentials: PlexCredentialsService,
  input: In,
  stamp: Stamp
): HttpClientRequest.HttpClientRequest | MissingCredential | InvalidInput => {
  const missing = (what: "token" | "serverUrl") => new MissingCredential({ ...stamp.common, missing: what })
  const query = description.query === undefined ? "" : encode(description.query(input), stamp)
  if (query instanceof InvalidInput) return query
  const form = description.form === undefined ? undefined : encode(description.form(input), stamp)
  if (form instanceof InvalidInput) return form
  let base = ""
  if (description.target === "plex.tv") base = credentials.plexTvUrl
  else if (description.target === "clients") base = credentials.clientsUrl
  else if (description.target === "server") {
    if (credentials.serverUrl._tag === "None") return missing("serverUrl")
    base = credentials.serverUrl.value
  }
  const token = description.token === "never" ? undefined : credentials.token
  if (description.token === "required" && token?._tag !== "Some") return missing("token")
  const path = typeof description.path === "string" ? description.path : description.path(input)
  const headers = token?._tag === "Some" ? tokenHeaders(credentials, token.value) : credentials.headers
  return HttpClientRequest.make(description.method)(query === "" ? base + path : `${base}${path}?${query}`, {
    headers: description.headers === undefined ? headers : Headers.setAll(headers, description.headers),
    body: form !== undefined
      ? HttpBody.text(form, "application/x-www-form-urlencoded")
      : description.json !== undefined
      ? HttpBody.text(JSON.stringify(description.json(input)), "application/json")
      : undefined
  })
}
