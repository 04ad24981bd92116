/**
 * Lenient wire primitives. Plex sends the same field as a number, a numeric
 * string or (in XML-derived JSON) "0"/"1", so each primitive accepts every
 * form we have seen recorded and normalises it.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// Each primitive checks its accepted forms directly: a Schema union tries
// every member in turn, and these run for most fields of every response.

/** An integer, or a string of one. @internal */
export const IntLike = Schema.transformOrFail(Schema.Unknown, Schema.Int, {
  strict: true,
  decode: (value, _, ast) => {
    if (typeof value === "number" && Number.isInteger(value)) return ParseResult.succeed(value)
    if (typeof value === "string" && /^-?\d+$/.test(value)) return ParseResult.succeed(Number(value))
    return ParseResult.fail(new ParseResult.Type(ast, value, "Expected an integer or a string of one"))
  },
  encode: ParseResult.succeed
}).annotations({ identifier: "IntLike" })

const truthy = new Set<unknown>([true, 1, "1", "true"])
const falsy = new Set<unknown>([false, 0, "0", "false"])

/** true/false, 0/1, or their strings. @internal */
export const BoolLike = Schema.transformOrFail(Schema.Unknown, Schema.Boolean, {
  strict: true,
  decode: (value, _, ast) =>
    truthy.has(value)
      ? ParseResult.succeed(true)
      : falsy.has(value)
      ? ParseResult.succeed(false)
      : ParseResult.fail(new ParseResult.Type(ast, value, "Expected a boolean, 0/1, or their strings")),
  encode: ParseResult.succeed
}).annotations({ identifier: "BoolLike" })

// Epoch seconds reach 1e11 only in the year 5138, and epoch milliseconds
// pass it in March 1973: a larger magnitude is milliseconds.
const millisecondsFrom = 1e11

const fromEpoch = (n: number) => DateTime.make(Math.abs(n) >= millisecondsFrom ? n : n * 1000)

// Plex's XML writes `2023-09-19 00:00:00 UTC`.
const plexText = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/

/**
 * A point in time as Plex sends it: Unix epoch seconds (Plex's
 * `PlexDateTime`), fractions included, or epoch milliseconds (told apart by
 * magnitude: 1e11 and above is milliseconds, which every date after March
 * 1973 is, and seconds only after the year 5138), as a number or a numeric
 * string; ISO-8601 text; or Plex's XML text `2023-09-19 00:00:00 UTC`.
 * Decoded as a UTC `DateTime`; encoded as epoch seconds. The failure message
 * never quotes the value.
 *
 * @internal
 */
export const Timestamp = Schema.transformOrFail(Schema.Unknown, Schema.DateTimeUtcFromSelf, {
  strict: true,
  decode: (value, _, ast) => {
    // DateTime.make throws (and catches) on a bad input, which is costly;
    // most fields are null, and fail here before it.
    const text = typeof value === "string" ? plexText.exec(value) : null
    const date = typeof value === "number" && Number.isFinite(value)
      ? fromEpoch(value)
      : typeof value === "string" && /^-?\d+(?:\.\d+)?$/.test(value)
      ? fromEpoch(Number(value))
      : text !== null
      ? DateTime.make(`${text[1]}T${text[2]}Z`)
      : typeof value === "string" && value.length > 0
      ? DateTime.make(value)
      : undefined
    return date?._tag === "Some"
      ? ParseResult.succeed(DateTime.toUtc(date.value))
      : ParseResult.fail(new ParseResult.Type(ast, value, "Expected Unix seconds or milliseconds, or a date as text"))
  },
  encode: (date) => ParseResult.succeed(Math.floor(DateTime.toEpochMillis(date) / 1000))
}).annotations({ identifier: "Timestamp" })

/**
 * An enum Plex may extend at any time: the known values are kept in the type
 * for editors, and any other string decodes unchanged.
 *
 * @internal
 */
export const openStringEnum = <const Known extends ReadonlyArray<string>>(
  ..._known: Known
): Schema.Schema<Known[number] | (string & {}), string> => Schema.String

/** @internal */
export const openIntEnum = <const Known extends ReadonlyArray<number>>(
  ..._known: Known
): Schema.Schema<Known[number] | (number & {}), unknown> => IntLike

/** A secret string: decoded as `Redacted` so it never prints. @internal */
export const Secret = Schema.Redacted(Schema.String)

/**
 * A token that must be there to be used: an empty one is no token (Plex's
 * XML form writes an unclaimed PIN's token as `""`).
 *
 * @internal
 */
export const NonEmptySecret = Schema.Redacted(Schema.NonEmptyString)

/**
 * The one way this library represents "absent": a field that is missing,
 * `null` or `undefined` on the wire decodes to `Option.none()`.
 *
 * @internal
 */
export const optionalOption = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalWith(schema, { as: "Option", nullable: true })

/** A boolean with the spec's default when missing or null. @internal */
export const boolWithDefault = (value: boolean) =>
  Schema.optionalWith(BoolLike, { nullable: true, default: () => value })

/** The annotation `itemsOf` sets, which the compiled reader reads. @internal */
export const ItemsAnnotationId: unique symbol = Symbol.for("@effect-plex/client/internal/schemas/Items")

/**
 * A list of independent items (the devices of `/resources`): one that does
 * not decode is left out and reported, as an optional field is, instead of
 * failing the whole body. Schema itself still rejects such a list, and says
 * why.
 *
 * @internal
 */
export const itemsOf = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.Array(schema).annotations({ [ItemsAnnotationId]: true })

/** A list that is empty when missing or null. @internal */
export const listOf = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalWith(Schema.Array(schema), { nullable: true, default: () => [] })

/** One item or a list of them (PMS JSON mirrors XML, where a lone child is not wrapped). @internal */
export const oneOrMany = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.transform(
    Schema.Union(Schema.Array(schema), schema),
    Schema.Array(Schema.typeSchema(schema)),
    { strict: true, decode: (value) => Array.isArray(value) ? value : [value as A], encode: (value) => value }
  )

/** Text that may arrive as a number (postal codes, ids), as a string. @internal */
export const StringLike = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Number, Schema.String, { strict: true, decode: String, encode: Number })
).annotations({ identifier: "StringLike" })
