/**
 * Plex's `errors[]`, read from whatever an error response carries: the JSON
 * form (`{ errors: [...] }`, or `{ error: "..." }` / `{ error: { ... } }` as
 * some endpoints write it), the XML form (attributes, or the older
 * `<error>text</error>`), a short plain-text message, or nothing usable
 * (HTML, empty), which yields no details rather than failing.
 *
 * @internal
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { PlexErrorDetail } from "../PlexError.js"
import { IntLike } from "./schemas.js"
import { attribute, unescapeXml } from "./xml.js"

const WireDetail = Schema.Struct({
  code: Schema.optionalWith(IntLike, { as: "Option", nullable: true }),
  message: Schema.optionalWith(Schema.String, { as: "Option", nullable: true }),
  status: Schema.optionalWith(IntLike, { as: "Option", nullable: true })
})

const decodeDetail = Schema.decodeUnknownOption(WireDetail)

const detail = (e: unknown): Array<PlexErrorDetail> =>
  typeof e === "string"
    ? [new PlexErrorDetail({ code: Option.none(), message: Option.some(e), status: Option.none() })]
    : Option.match(decodeDetail(e), { onNone: () => [], onSome: (d) => [new PlexErrorDetail(d)] })

const fromJson = (json: unknown): Array<PlexErrorDetail> => {
  if (typeof json !== "object" || json === null) return []
  if ("errors" in json && Array.isArray(json.errors)) return json.errors.flatMap(detail)
  return "error" in json ? detail(json.error) : []
}

// A message in plain text ("Thumbprint Already Taken"): one short line.
const maxTextMessage = 500

const fromText = (text: string): Array<PlexErrorDetail> => {
  const message = text.trim()
  return message === "" || message.length > maxTextMessage || message.includes("\n") ? [] : detail(message)
}

const toInt = (s: Option.Option<string>) => Option.filter(Option.map(s, Number), Number.isInteger)

const fromXml = (text: string): Array<PlexErrorDetail> =>
  Array.from(
    text.matchAll(/<error\b([^>]*?)(?:\/>|>([^<]*)<\/error>)/g),
    ([, attributes = "", content]) =>
      new PlexErrorDetail({
        code: toInt(attribute(attributes, "code")),
        message: Option.orElse(
          attribute(attributes, "message"),
          () => Option.filter(Option.fromNullable(content?.trim()).pipe(Option.map(unescapeXml)), (s) => s.length > 0)
        ),
        status: toInt(attribute(attributes, "status"))
      })
  )

/** @internal */
export const parseErrorDetails = (text: string): Array<PlexErrorDetail> => {
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
