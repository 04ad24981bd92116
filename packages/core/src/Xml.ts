/**
 * The little XML Plex's bodies need read: references decoded, and the
 * attributes of one element. Not a parser: Plex's XML is flat, one element
 * per object.
 *
 * @internal
 */
const named: Record<string, string> = { quot: "\"", apos: "'", lt: "<", gt: ">", amp: "&" }

/**
 * All of XML's references in one pass: named ones and numeric ones (`&#39;`,
 * `&#x27;`), so that a secret echoed in any of them reads back as itself and
 * is recognised, and `&amp;#39;` stays `&#39;` as it should.
 *
 * @internal
 */
export const unescapeXml = (s: string): string =>
  s.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|(quot|apos|lt|gt|amp));/g, (reference, decimal, hex, name) => {
    const code = decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : undefined
    if (code === undefined) return named[name as string] ?? reference
    return code <= 0x10ffff ? String.fromCodePoint(code) : reference
  })

/** One attribute's value, decoded. @internal */
export const attribute = (attributes: string, name: string): string | undefined => {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)
  return match === null ? undefined : unescapeXml(match[1]!)
}

/** Every attribute of the first `<name …>` element, decoded; `undefined` when there is none. @internal */
export const elementAttributes = (text: string, name: string): Record<string, string> | undefined => {
  const element = new RegExp(`<${name}\\b([^>]*?)/?>`).exec(text)
  if (element === null) return undefined
  const out: Record<string, string> = {}
  for (const [, key, value] of element[1]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) out[key!] = unescapeXml(value!)
  return out
}

/**
 * A `<user …>` answer (sign-in's XML form) as the object the account schema
 * reads: its attributes, with `authenticationToken` (the older name)
 * standing in for `authToken`. `undefined` when there is no `<user>`.
 *
 * @internal
 */
export const accountFromXml = (text: string): unknown => {
  const attributes = elementAttributes(text, "user")
  if (attributes === undefined) return undefined
  const { authenticationToken, ...rest } = attributes
  return { ...rest, authToken: rest["authToken"] ?? authenticationToken }
}
