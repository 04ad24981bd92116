/**
 * Lenient wire primitives. Plex sends the same field as a number, a numeric
 * string or (in XML-derived JSON) "0"/"1", so each primitive accepts every
 * form we have seen recorded and normalises it.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
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
): Schema.Schema<Known[number] | (number & {}), unknown> => IntLike

/** A secret string: decoded as `Redacted` so it never prints. @internal */
export const Secret = Schema.Redacted(Schema.String)

/**
 * The one way this library represents "absent": a field that is missing,
 * `null` or `undefined` on the wire decodes to `Option.none()`.
 *
 * @internal
 */
export const optionalOption = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  planned(Schema.optionalWith(schema, { as: "Option", nullable: true }), () => {
    const inner = planOf(schema)
    return {
      wire: Schema.optional(Schema.NullOr(valueWire(inner))),
      convert: (value) => value == null ? Option.none() : Option.some(inner.convert(value))
    }
  })

/** A boolean with the spec's default when missing or null. @internal */
export const boolWithDefault = (value: boolean) =>
  planned(Schema.optionalWith(BoolLike, { nullable: true, default: () => value }), () => ({
    wire: Schema.optional(Schema.NullOr(BoolLike)),
    convert: (wire) => wire ?? value
  }))

/** A list that is empty when missing or null. @internal */
export const listOf = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  planned(Schema.optionalWith(Schema.Array(schema), { nullable: true, default: () => [] }), () => {
    const inner = planOf(schema)
    return {
      wire: Schema.optional(Schema.NullOr(Schema.Array(valueWire(inner)))),
      convert: (wire) => wire == null ? [] : inner.convert === identity ? wire : (wire as Array<unknown>).map(inner.convert)
    }
  })

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

/*
 * Fast decoding. A `Schema.Class` whose fields are `Option`s and defaults
 * decodes about three times slower than a plain struct of the same keys, and
 * the account body is the hot path. So each class also gets a plan, derived
 * from its own field definitions: decode the wire shape as a plain struct,
 * then build the `Option`s, defaults and class instances by hand (validation
 * is already done). Keys, paths and messages of failures are the same.
 */

interface Plan {
  /** A schema for values and classes; a property signature for fields. */
  readonly wire: Schema.Schema.Any | Schema.PropertySignature.Any
  readonly convert: (wire: any) => unknown
}

const valueWire = (plan: Plan) => plan.wire as Schema.Schema.Any

const fieldPlans = new WeakMap<object, () => Plan>()
const classPlans = new WeakMap<object, Plan>()

const planned = <S extends Schema.PropertySignature.Any>(signature: S, plan: () => Plan): S => {
  fieldPlans.set(signature, plan)
  return signature
}

type AnyClass = Schema.Schema.Any & {
  readonly fields: Schema.Struct.Fields
  readonly prototype: object
}

const isClass = (schema: unknown): schema is AnyClass =>
  typeof schema === "function" && "fields" in schema && "ast" in schema

const planOf = (schema: unknown): Plan => {
  if (!isClass(schema)) return { wire: schema as Schema.Schema.Any, convert: identity }
  const known = classPlans.get(schema)
  if (known !== undefined) return known
  const wire: Record<string, Schema.Schema.Any | Schema.PropertySignature.Any> = {}
  const steps: Array<readonly [string, (wire: unknown) => unknown]> = []
  for (const [key, field] of Object.entries(schema.fields)) {
    const plan = fieldPlans.get(field)?.() ?? planOf(field)
    wire[key] = plan.wire
    steps.push([key, plan.convert])
  }
  const plan: Plan = {
    wire: Schema.Struct(wire as Schema.Struct.Fields),
    // The props are already validated, so the instance is built from the
    // prototype directly: the constructor would only re-merge defaults.
    convert: (value: Record<string, unknown>) => {
      const instance = Object.create(schema.prototype) as Record<string, unknown>
      for (const [key, convert] of steps) instance[key] = convert(value[key])
      return instance
    }
  }
  classPlans.set(schema, plan)
  return plan
}

/**
 * `Schema.decodeUnknown(Class)`, fast: same result, same failures.
 *
 * @internal
 */
export const fastDecoder = <A>(schema: Schema.Schema<A, any, never>) => {
  let decode: ((u: unknown) => Effect.Effect<A, ParseResult.ParseError>) | undefined
  return (input: unknown): Effect.Effect<A, ParseResult.ParseError> => {
    if (decode === undefined) {
      const plan = planOf(schema)
      const wire = Schema.decodeUnknown(plan.wire as Schema.Schema<unknown, unknown, never>)
      decode = (u) => Effect.map(wire(u), (value) => plan.convert(value) as A)
    }
    return decode(input)
  }
}
