/**
 * Where secrets travel, and how they are kept out of error text.
 *
 * @internal
 */

/** @internal */
export const tokenHeaderName = "x-plex-token"

/**
 * Removes every secret from a text: transports sometimes quote a header value
 * back in their error messages, and servers echo what they were sent.
 *
 * @internal
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((acc, secret) => secret.length === 0 ? acc : acc.split(secret).join("<redacted>"), text)
