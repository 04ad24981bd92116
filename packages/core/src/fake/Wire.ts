/**
 * The fake's view of HTTP, independent of both faces: a request in, a
 * response (or a dropped connection) out.
 *
 * @internal
 */

/** Public as `PlexFake.FakeRequest`. */
export interface FakeRequest {
  readonly method: string
  readonly url: URL
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Public as `PlexFake.FakeResponse`. */
export type FakeResponse =
  | {
    readonly _tag: "Reply"
    readonly status: number
    readonly headers: Record<string, string>
    readonly body: string
    /** Send the head and this much of the body, then reset the connection. */
    readonly breakAfter?: number | undefined
  }
  /** A body that is not text (a compressed one). */
  | {
    readonly _tag: "Bytes"
    readonly status: number
    readonly headers: Record<string, string>
    readonly body: Uint8Array
  }
  | { readonly _tag: "Drop" }

/** @internal */
export const reply = (status: number, body: string, contentType: string, headers: Record<string, string> = {}) =>
  ({ _tag: "Reply", status, headers: { "content-type": contentType, ...headers }, body }) as const

const escapeXml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** One element whose attributes are the object's scalar fields, as Plex's XML does. @internal */
export const xmlElement = (name: string, fields: Record<string, unknown>, children = ""): string => {
  const attributes = Object.entries(fields)
    .filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v))
    .map(([k, v]) => ` ${k}="${escapeXml(v === null ? "" : typeof v === "boolean" ? (v ? "1" : "0") : String(v))}"`)
    .join("")
  return children === "" ? `<${name}${attributes} />` : `<${name}${attributes}>${children}</${name}>`
}

/**
 * Plex answers JSON only when `Accept` is exactly `application/json`; anything
 * else (including axios's `application/json, text/plain, *\/*`) gets XML.
 *
 * @internal
 */
export const wantsJson = (request: FakeRequest) => request.headers["accept"] === "application/json"

interface PlexErrorEntry {
  readonly code: number
  readonly message: string
}

/** plex.tv's error body, in the format the client asked for. @internal */
export const plexTvError = (request: FakeRequest, status: number, error: PlexErrorEntry) =>
  wantsJson(request)
    ? reply(status, JSON.stringify({ errors: [{ ...error, status }] }), "application/json; charset=utf-8")
    : reply(
      status,
      `<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  ${xmlElement("error", { ...error, status })}\n</errors>\n`,
      "application/xml; charset=utf-8"
    )

/** A PMS error: an HTML page, whatever was asked for. @internal */
export const pmsError = (status: number, title: string) =>
  reply(
    status,
    `<html><head><title>${title}</title></head><body><h1>${status} ${title}</h1></body></html>`,
    "text/html"
  )

/** A body's JSON object, or undefined when it is not one. @internal */
export const jsonObject = (body: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined
  } catch {
    return undefined
  }
}

/** A body in the format asked for. @internal */
export const negotiated = (
  request: FakeRequest,
  status: number,
  json: unknown,
  xml: () => string
) =>
  wantsJson(request)
    ? reply(status, JSON.stringify(json), "application/json; charset=utf-8")
    : reply(status, `<?xml version="1.0" encoding="UTF-8"?>\n${xml()}\n`, "application/xml; charset=utf-8")
