/**
 * Response decoders compiled from the Schema classes. Each schema's AST is
 * walked once, at module load, into plain functions that check and build the
 * value in one pass: no `Effect`, `Either` or `Option` per field, and no
 * `delete` on intermediate objects as Schema's struct transformations do.
 *
 * Schema stays the one source of truth: the compiled function follows the
 * AST's own nodes and calls each transformation's own `decode`, declarations
 * are checked by their own `decodeUnknown`, class instances are made by their
 * constructors, and whenever the fast path rejects a body, Schema decodes it
 * again to say why. A node the compiler does not know is decoded by Schema for
 * that subtree and listed in `fallbacks`, so a test can see it.
 *
 * The compiled decoder is a tolerant reader. Required fields are essential and
 * decode strictly; an optional field whose value does not decode is treated
 * as absent (`Option.none()`, its default, or `[]`), and a list inside such a
 * field, or one made with `itemsOf`, drops the items that do not decode. Each
 * is reported in `ignored`.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { ItemsAnnotationId } from "./schemas.js"

/** A field that did not decode and was treated as absent: where, what it should have been, and what came. @internal */
export interface Ignored {
  readonly path: ReadonlyArray<PropertyKey>
  readonly ast: AST.AST
  /** Kept only to ask Schema what was expected; never shown. */
  readonly input: unknown
}

/** @internal */
export type Decoded<A> =
  | { readonly _tag: "Decoded"; readonly value: A; readonly ignored: ReadonlyArray<Ignored> }
  | { readonly _tag: "Mismatch"; readonly error: ParseResult.ParseError }

/** @internal */
export interface Decoder<A> {
  (input: unknown): Decoded<A>
  /** The nodes that the compiler left to Schema: empty for every response schema of this library. */
  readonly fallbacks: ReadonlyArray<string>
}

const Fail: unique symbol = Symbol.for("@effect-plex/client/internal/compiler/Fail")

interface Walk {
  readonly path: Array<PropertyKey>
  readonly ignored: Array<Ignored>
}

type Fast = (input: unknown, walk: Walk) => unknown

const options = AST.defaultParseOption

// A transformation or declaration answers with an Either or, if it is
// effectful, with an Effect that only Schema can run: then Schema decodes
// that subtree.
const settle = (result: any, slow: (u: unknown) => unknown, u: unknown): unknown =>
  result._tag === "Right" ? result.right : result._tag === "Left" ? Fail : slow(u)

const typeConstructor = (ast: AST.AST): string | undefined =>
  (ast.annotations[AST.TypeConstructorAnnotationId] as { readonly _tag?: string } | undefined)?._tag

class Compiler {
  readonly fallbacks: Array<string> = []
  private readonly strict = new Map<AST.AST, Fast>()
  private readonly tolerant = new Map<AST.AST, Fast>()

  /** `tolerant`: inside an optional field, where a list may drop items that do not decode. */
  compile(ast: AST.AST, tolerant: boolean): Fast {
    const memo = tolerant ? this.tolerant : this.strict
    let fast = memo.get(ast)
    if (fast === undefined) {
      fast = this.build(ast, tolerant)
      memo.set(ast, fast)
    }
    return fast
  }

  private fallback(ast: AST.AST): Fast {
    this.fallbacks.push(`${ast._tag} ${String(ast)}`)
    const decode = ParseResult.decodeUnknownEither(Schema.make(ast))
    return (input) => {
      const result = decode(input)
      return result._tag === "Right" ? result.right : Fail
    }
  }

  private build(ast: AST.AST, tolerant: boolean): Fast {
    switch (ast._tag) {
      case "StringKeyword":
        return (u) => typeof u === "string" ? u : Fail
      case "NumberKeyword":
        return (u) => typeof u === "number" ? u : Fail
      case "BooleanKeyword":
        return (u) => typeof u === "boolean" ? u : Fail
      case "UndefinedKeyword":
      case "VoidKeyword":
        return (u) => u === undefined ? u : Fail
      case "UnknownKeyword":
      case "AnyKeyword":
        return (u) => u
      case "Literal": {
        const literal = ast.literal
        return (u) => u === literal ? u : Fail
      }
      case "Enums": {
        const values = ast.enums.map(([, value]) => value)
        return (u) => values.includes(u as string | number) ? u : Fail
      }
      case "Refinement":
        return this.refinement(ast, tolerant)
      case "Transformation":
        return this.transformation(ast, tolerant)
      case "Declaration":
        return this.declaration(ast)
      case "TupleType":
        return this.array(ast, tolerant)
      case "TypeLiteral":
        return ast.indexSignatures.length === 0 ? this.struct(ast) : this.fallback(ast)
      case "Union":
        return this.union(ast, tolerant)
      default:
        return this.fallback(ast)
    }
  }

  private refinement(ast: AST.Refinement, tolerant: boolean): Fast {
    const from = this.compile(ast.from, tolerant)
    return (u, walk) => {
      const a = from(u, walk)
      return a === Fail || Option.isSome(ast.filter(a, options, ast)) ? Fail : a
    }
  }

  private transformation(ast: AST.Transformation, tolerant: boolean): Fast {
    const kind = ast.transformation
    if (kind._tag === "TypeLiteralTransformation") {
      return AST.isTypeLiteral(ast.from) && AST.isTypeLiteral(ast.to)
        ? this.structTransformation(ast, ast.from, ast.to, kind.propertySignatureTransformations)
        : this.fallback(ast)
    }
    const from = this.compile(ast.from, tolerant)
    const to = this.compile(ast.to, false)
    if (kind._tag === "ComposeTransformation") {
      return (u, walk) => {
        const a = from(u, walk)
        return a === Fail ? Fail : to(a, walk)
      }
    }
    const slow = this.lazySchema(ast)
    return (u, walk) => {
      const a = from(u, walk)
      if (a === Fail) return Fail
      const b = settle(kind.decode(a, options, ast, u), slow, u)
      return b === Fail ? Fail : to(b, walk)
    }
  }

  private declaration(ast: AST.Declaration): Fast {
    switch (typeConstructor(ast)) {
      case "effect/Option": {
        const value = this.compile(ast.typeParameters[0]!, false)
        return (u, walk) => {
          if (!Option.isOption(u)) return Fail
          if (u._tag === "None") return u
          const v = value(u.value, walk)
          return v === Fail ? Fail : v === u.value ? u : Option.some(v)
        }
      }
      case "effect/Redacted": {
        const value = this.compile(ast.typeParameters[0]!, false)
        return (u, walk) => {
          if (!Redacted.isRedacted(u)) return Fail
          const inner = Redacted.value(u)
          const v = value(inner, walk)
          return v === Fail ? Fail : v === inner ? u : Redacted.make(v)
        }
      }
    }
    // Class instances, DateTime, … : the declaration's own check.
    const parse = ast.decodeUnknown(...ast.typeParameters)
    const slow = this.lazySchema(ast)
    return (u) => settle(parse(u, options, ast), slow, u)
  }

  private lazySchema(ast: AST.AST): (u: unknown) => unknown {
    let decode: ((u: unknown) => Either.Either<unknown, ParseResult.ParseIssue>) | undefined
    return (u) => {
      const result = (decode ??= ParseResult.decodeUnknownEither(Schema.make(ast)))(u)
      return Either.isRight(result) ? result.right : Fail
    }
  }

  private array(ast: AST.TupleType, inTolerantField: boolean): Fast {
    if (ast.elements.length > 0 || ast.rest.length !== 1) return this.fallback(ast)
    const tolerant = inTolerantField || ast.annotations[ItemsAnnotationId] === true
    const itemAst = ast.rest[0]!.type
    const item = this.compile(itemAst, inTolerantField)
    return (u, walk) => {
      if (!Array.isArray(u)) return Fail
      const out: Array<unknown> = []
      for (let i = 0; i < u.length; i++) {
        const mark = walk.ignored.length
        walk.path.push(i)
        const v = item(u[i], walk)
        walk.path.pop()
        if (v !== Fail) {
          out.push(v)
          continue
        }
        if (!tolerant) return Fail
        walk.ignored.length = mark
        walk.ignored.push({ path: [...walk.path, i], ast: itemAst, input: u[i] })
      }
      return out
    }
  }

  private union(ast: AST.Union, tolerant: boolean): Fast {
    // Schema picks members of a tagged union by their literal keys first.
    if (ast.types.some(hasLiteralKey)) return this.fallback(ast)
    const members = ast.types.map((member) => this.compile(member, tolerant))
    const first = (u: unknown, walk: Walk) => {
      for (const member of members) {
        const mark = walk.ignored.length
        const v = member(u, walk)
        if (v !== Fail) return v
        walk.ignored.length = mark
      }
      return Fail
    }
    // Most optional fields are `X | null` and most of their values null: the
    // members are pure, so the answer for null (and undefined) is worked out
    // once, without trying X first on every call.
    const onNull = first(null, { path: [], ignored: [] })
    const onUndefined = first(undefined, { path: [], ignored: [] })
    return (u, walk) =>
      u === null && isPrimitive(onNull)
        ? onNull
        : u === undefined && isPrimitive(onUndefined)
        ? onUndefined
        : first(u, walk)
  }

  private struct(ast: AST.TypeLiteral): Fast {
    const fields = ast.propertySignatures.map((ps) => ({
      key: ps.name,
      optional: ps.isOptional,
      ast: ps.type,
      decode: this.compile(ps.type, ps.isOptional)
    }))
    return (u, walk) => {
      if (!isRecord(u)) return Fail
      const out: Record<PropertyKey, unknown> = {}
      for (const field of fields) {
        const present = Object.prototype.hasOwnProperty.call(u, field.key)
        if (!present && field.optional) continue
        const v = field.optional
          ? tolerate(field.decode, field.ast, u[field.key], field.key, walk)
          : at(field.decode, u[field.key], field.key, walk)
        if (v === Fail) return Fail
        if (v !== Absent) out[field.key] = v
      }
      return out
    }
  }

  /**
   * A struct with property signature transformations (optional fields as
   * `Option`s, defaults, renamed keys), done in one pass over the decoded
   * fields in their order, with the same result as Schema's three steps.
   */
  private structTransformation(
    ast: AST.Transformation,
    from: AST.TypeLiteral,
    to: AST.TypeLiteral,
    transformations: ReadonlyArray<AST.PropertySignatureTransformation>
  ): Fast {
    const toKeys = new Set(to.propertySignatures.map((ps) => ps.name))
    const renamedAway = transformations.some((t) => t.from !== t.to && toKeys.has(t.from))
    const sources = to.propertySignatures.map((target) => {
      const transformation = transformations.find((t) => t.to === target.name)
      const key = transformation?.from ?? target.name
      return { target, transformation, source: from.propertySignatures.find((ps) => ps.name === key) }
    })
    if (renamedAway || from.indexSignatures.length > 0 || to.indexSignatures.length > 0) return this.fallback(ast)
    if (sources.some(({ source }) => source === undefined)) return this.fallback(ast)
    const fields = sources.map(({ source, target, transformation }) => {
      const check = this.compile(target.type, false)
      return {
        key: source!.name,
        optional: source!.isOptional,
        ast: source!.type,
        decode: this.compile(source!.type, source!.isOptional),
        transform: transformation?.decode,
        target: target.name,
        targetOptional: target.isOptional,
        check: implied(target.type, source!.type, transformation?.decode, check) ? undefined : check
      }
    })
    return (u, walk) => {
      if (!isRecord(u)) return Fail
      const out: Record<PropertyKey, unknown> = {}
      for (const field of fields) {
        let v: unknown = Absent
        if (Object.prototype.hasOwnProperty.call(u, field.key) || !field.optional) {
          v = field.optional
            ? tolerate(field.decode, field.ast, u[field.key], field.key, walk)
            : at(field.decode, u[field.key], field.key, walk)
          if (v === Fail) return Fail
        }
        if (field.transform !== undefined) {
          const o = field.transform(v === Absent ? Option.none() : Option.some(v))
          v = o._tag === "Some" ? o.value : Absent
        }
        if (v === Absent) {
          if (field.targetOptional) continue
          v = undefined
        }
        if (field.check !== undefined) {
          v = field.check(v, walk)
          if (v === Fail) return Fail
        }
        out[field.target] = v
      }
      return out
    }
  }
}

const Absent: unique symbol = Symbol.for("@effect-plex/client/internal/compiler/Absent")

const isRecord = (u: unknown): u is Record<PropertyKey, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const at = (decode: Fast, value: unknown, key: PropertyKey, walk: Walk): unknown => {
  walk.path.push(key)
  const v = decode(value, walk)
  walk.path.pop()
  return v
}

// An optional field that does not decode counts as absent, and is reported.
const tolerate = (decode: Fast, ast: AST.AST, value: unknown, key: PropertyKey, walk: Walk): unknown => {
  const mark = walk.ignored.length
  const v = at(decode, value, key, walk)
  if (v !== Fail) return v
  walk.ignored.length = mark
  walk.ignored.push({ path: [...walk.path, key], ast, input: value })
  return Absent
}

const isPrimitive = (u: unknown): boolean => u !== Fail && (u === null || typeof u !== "object")

/**
 * An optional field's type without its `null` and `undefined` members: what
 * its value must be when it is there.
 *
 * @internal
 */
export const nonNull = (ast: AST.AST): AST.AST => {
  if (!AST.isUnion(ast)) return ast
  const types = ast.types.filter((t) => !AST.isUndefinedKeyword(t) && !(AST.isLiteral(t) && t.literal === null))
  return types.length === 1 ? types[0]! : AST.Union.make(types)
}

/**
 * Whether a struct field's type-side check can only pass. The decoded source
 * already satisfies its own type side (each transformation checked it), so a
 * target that is that type side, or an `Option` of it, adds nothing; a
 * default the transformation supplies is checked here, once.
 */
const implied = (
  target: AST.AST,
  source: AST.AST,
  transform: ((o: Option.Option<unknown>) => Option.Option<unknown>) | undefined,
  check: Fast
): boolean => {
  const decoded = AST.typeAST(nonNull(source))
  const wraps = target === decoded ||
    (AST.isDeclaration(target) && typeConstructor(target) === "effect/Option" && target.typeParameters[0] === decoded)
  if (!wraps || transform === undefined) return wraps
  const absent = transform(Option.none())
  return absent._tag === "None" || check(absent.value, { path: [], ignored: [] }) !== Fail
}

const hasLiteralKey = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.some((ps) => AST.isLiteral(ps.type) || AST.isUniqueSymbol(ps.type))
    case "Refinement":
      return hasLiteralKey(ast.from)
    case "Transformation":
      return hasLiteralKey(ast.from)
    default:
      return false
  }
}

/**
 * Compiles a decoder for `schema` (whose requirements must be `never`).
 *
 * @internal
 */
export const compile = <A, I>(schema: Schema.Schema<A, I, never>): Decoder<A> => {
  const compiler = new Compiler()
  const fast = compiler.compile(schema.ast, false)
  const strict = Schema.decodeUnknownEither(schema, { errors: "all" })
  const decoder = (input: unknown): Decoded<A> => {
    const walk: Walk = { path: [], ignored: [] }
    const value = fast(input, walk)
    if (value !== Fail) return { _tag: "Decoded", value: value as A, ignored: walk.ignored }
    const result = strict(input)
    return Either.isRight(result)
      ? { _tag: "Decoded", value: result.right, ignored: [] }
      : { _tag: "Mismatch", error: result.left }
  }
  return Object.assign(decoder, { fallbacks: compiler.fallbacks })
}
