/**
 * Where secrets travel, and how they are kept out of error text.
 *
 * @internal
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"

/** @internal */
export const tokenHeaderName = "x-plex-token"

/**
 * Removes every secret from a text: transports sometimes quote a header value
 * back in their error messages.
 *
 * @internal
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((acc, secret) => secret.length === 0 ? acc : acc.split(secret).join("<redacted>"), text)

/** @internal */
export const requestSecrets = (request: HttpClientRequest.HttpClientRequest): Array<string> => {
  const token = request.headers[tokenHeaderName]
  return token === undefined ? [] : [token]
}
