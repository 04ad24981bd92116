/**
 * Header values are byte strings. Plex reads them as UTF-8, and fetch throws
 * a raw TypeError on any character above U+00FF, so non-ASCII text is sent as
 * its UTF-8 bytes, one Latin-1 character per byte.
 *
 * @internal
 */

const controlCharacter = /[\u0000-\u0008\u000a-\u001f\u007f]/

/** @internal */
export const headerValueProblem = (value: string): string | undefined => {
  if (controlCharacter.test(value)) return "contains a control character (CR, LF, NUL, …)"
  if (!value.isWellFormed()) return "contains an unpaired UTF-16 surrogate"
  return undefined
}

const encoder = new TextEncoder()

/** @internal */
export const toHeaderBytes = (value: string): string => {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(value)) return value
  let out = ""
  for (const byte of encoder.encode(value)) out += String.fromCharCode(byte)
  return out
}
