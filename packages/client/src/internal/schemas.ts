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

/** @internal */
export const IntLike = Schema.Union(
  Schema.Int,
  Schema.NumberFromString.pipe(Schema.int())
).annotations({ identifier: "IntLike" })

/** @internal */
export const BoolLike = Schema.transformOrFail(
  Schema.Union(Schema.Boolean, Schema.Literal(0, 1, "0", "1", "true", "false")),
  Schema.Boolean,
  {
    strict: true,
    decode: (value) => ParseResult.succeed(value === true || value === 1 || value === "1" || value === "true"),
    encode: (value) => ParseResult.succeed(value)
  }
).annotations({ identifier: "BoolLike" })

/** Unix epoch seconds (Plex's `PlexDateTime`), as a UTC `DateTime`. @internal */
export const UnixSeconds = Schema.transformOrFail(IntLike, Schema.DateTimeUtcFromSelf, {
  strict: true,
  decode: (seconds, _, ast) => {
    const date = DateTime.make(seconds * 1000)
    return date._tag === "Some"
      ? ParseResult.succeed(DateTime.toUtc(date.value))
      : ParseResult.fail(new ParseResult.Type(ast, seconds, "not a valid Unix timestamp"))
  },
  encode: (date) => ParseResult.succeed(Math.floor(DateTime.toEpochMillis(date) / 1000))
}).annotations({ identifier: "UnixSeconds" })

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
): Schema.Schema<Known[number] | (number & {}), number | string> => IntLike

/** A secret string: decoded as `Redacted` so it never prints. @internal */
export const Secret = Schema.Redacted(Schema.String)

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

/** An ISO-8601 string (with or without milliseconds) or epoch seconds, as UTC. @internal */
export const Timestamp = Schema.Union(Schema.DateTimeUtc, UnixSeconds).annotations({ identifier: "Timestamp" })

/** Text that may arrive as a number (postal codes, ids), as a string. @internal */
export const StringLike = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Number, Schema.String, { strict: true, decode: String, encode: Number })
).annotations({ identifier: "StringLike" })
