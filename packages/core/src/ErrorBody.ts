/**
 * Plex's `errors[]`, read from whatever an error response carries: the JSON
 * form (`{ errors: [...] }`, or `{ error: "..." }` / `{ error: { ... } }` as
 * some endpoints write it), the XML form (attributes, or the older
 * `<error>text</error>`), a short plain-text message, or nothing usable
 * (HTML, empty), which yields no details rather than failing.
 *
 * @internal
 */
import { attribute, unescapeXml } from "./Xml.js"

/** One entry of Plex's `errors[]`, each field there only when Plex gave it. @internal */
export interface ErrorDetail {
  readonly code?: number | undefined
  readonly message?: string | undefined
  readonly status?: number | undefined
}

// Plex writes codes and statuses as numbers, and in XML as their strings.
const intLike = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value)
    ? value
    : typeof value === "string" && /^-?\d+$/.test(value)
    ? Number(value)
    : undefined

const defined = (detail: ErrorDetail): ErrorDetail =>
  Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined))

const detail = (e: unknown): Array<ErrorDetail> => {
  if (typeof e === "string") return [{ message: e }]
  if (typeof e !== "object" || e === null || Array.isArray(e)) return []
  const { code, message, status } = e as Record<string, unknown>
  // A field of the wrong type makes the entry unreadable, as a schema would.
  if (code != null && intLike(code) === undefined) return []
  if (status != null && intLike(status) === undefined) return []
  if (message != null && typeof message !== "string") return []
  return [defined({ code: intLike(code), message: message ?? undefined, status: intLike(status) })]
}

const fromJson = (json: unknown): Array<ErrorDetail> => {
  if (typeof json !== "object" || json === null) return []
  if ("errors" in json && Array.isArray(json.errors)) return json.errors.flatMap(detail)
  return "error" in json ? detail(json.error) : []
}

// A message in plain text ("Thumbprint Already Taken"): one short line.
const maxTextMessage = 500

const fromText = (text: string): Array<ErrorDetail> => {
  const message = text.trim()
  return message === "" || message.length > maxTextMessage || message.includes("\n") ? [] : detail(message)
}

const toInt = (s: string | undefined) => (s === undefined || !Number.isInteger(Number(s)) ? undefined : Number(s))

const fromXml = (text: string): Array<ErrorDetail> =>
  Array.from(
    text.matchAll(/<error\b([^>]*?)(?:\/>|>([^<]*)<\/error>)/g),
    ([, attributes = "", content]) => {
      const inner = content === undefined ? "" : unescapeXml(content.trim())
      return defined({
        code: toInt(attribute(attributes, "code")),
        message: attribute(attributes, "message") ?? (inner.length > 0 ? inner : undefined),
        status: toInt(attribute(attributes, "status"))
      })
    }
  )

/** Every detail an error body holds, in order; none when it holds none. @internal */
export const parseErrorDetails = (text: string): Array<ErrorDetail> => {
  const trimmed = text.trimStart()
  if (trimmed.startsWith("{")) {
    try {
      return fromJson(JSON.parse(trimmed))
    } catch {
      return []
    }
  }
  return trimmed.startsWith("<") ? fromXml(trimmed) : fromText(trimmed)
}

/** Whether `details` name Plex `code` (1029 on sign-in, 1041 on a Home switch, …). @internal */
export const hasPlexCode = (details: ReadonlyArray<ErrorDetail>, code: number): boolean =>
  details.some((detail) => detail.code === code)
