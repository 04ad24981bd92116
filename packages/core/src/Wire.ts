/**
 * How values go onto the wire: query and form parameters percent-encoded
 * from UTF-8, exactly once, and the header a token travels in.
 *
 * @internal
 */

/** Name/value pairs in wire order. @internal */
export type Params = ReadonlyArray<readonly [name: string, value: string]>

/** The only header a token is ever sent in. @internal */
export const tokenHeaderName = "x-plex-token"

/** A parameter that cannot be sent, and why. @internal */
export interface ParamProblem {
  readonly field: string
  readonly reason: string
}

/**
 * `a=1&b=2`, with `encodeURIComponent` (so a space is `%20`, never `+`). An
 * empty value is refused, and so is a lone surrogate, which cannot be
 * encoded as UTF-8: refused, not replaced.
 *
 * @internal
 */
export const encodeParams = (params: Params): string | ParamProblem => {
  let out = ""
  for (const [name, value] of params) {
    if (value.length === 0) return { field: name, reason: "is empty" }
    if (!value.isWellFormed()) return { field: name, reason: "contains an unpaired UTF-16 surrogate" }
    out += `${out === "" ? "" : "&"}${name}=${encodeURIComponent(value)}`
  }
  return out
}
