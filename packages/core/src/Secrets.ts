/**
 * Where secrets travel, and how they are kept out of what servers and
 * transports write back.
 *
 * A server may echo a secret in any encoding it was sent in or writes in:
 * raw, trimmed, JSON-escaped (with or without `\uXXXX` for non-ASCII),
 * XML/HTML-escaped, percent- or form-encoded. A text that holds one, in any
 * of these spellings, is withheld whole rather than spliced: splicing
 * garbles the text and shows where the secret stood.
 *
 * @internal
 */

/** @internal */
export const withheld = "withheld: it contained a credential"

const json = (secret: string) => JSON.stringify(secret).slice(1, -1)
const asciiJson = (secret: string) =>
  json(secret).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
const xml = (secret: string, apostrophe: string) =>
  secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(
    /'/g,
    apostrophe
  )
const percent = (secret: string) => secret.isWellFormed() ? encodeURIComponent(secret) : secret

/** Every spelling of `secret` a server might echo; percent-encoded ones in lower case too. */
const spellings = (secret: string): Array<string> => {
  const encoded = [percent(secret), percent(secret).replace(/%20/g, "+")]
  return [
    secret,
    secret.trim(),
    json(secret),
    asciiJson(secret),
    xml(secret, "&apos;"),
    xml(secret, "&#39;"),
    xml(secret, "&#x27;"),
    ...encoded,
    ...encoded.map((e) => e.toLowerCase())
  ]
}

/**
 * `text`, or `withheld` when it holds any spelling of any of `secrets`.
 *
 * @internal
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  if (text.length === 0) return text
  const lower = text.toLowerCase()
  for (const secret of secrets) {
    if (secret.length === 0) continue
    for (const spelling of spellings(secret)) {
      if (spelling.length > 0 && (text.includes(spelling) || (spelling.includes("%") && lower.includes(spelling)))) {
        return withheld
      }
    }
  }
  return text
}
