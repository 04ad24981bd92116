import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck as fc, ParseResult, Schema } from "effect"
import { compile } from "../src/internal/compiler.js"
import { itemsOf } from "../src/internal/schemas.js"
import { Pin } from "../src/Pin.js"
import { Resource } from "../src/Resource.js"
import { SourceDeviceContainer } from "../src/SourceConnection.js"
import { TransientTokenContainer } from "../src/TransientToken.js"
import { UserPlexAccount } from "../src/UserPlexAccount.js"
import { readRealWorld, realWorldFiles } from "./support/fixtures.js"
import { exampleOf, loadSpec, responseSchema } from "./support/openapi.js"
import { specExamples } from "./support/responses.js"

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json }
type Path = ReadonlyArray<PropertyKey>

// Every response schema an operation decodes.
const responses: ReadonlyArray<readonly [string, Schema.Schema<any, any, never>]> = [
  ["account", UserPlexAccount],
  ["PIN", Pin],
  ["resources", itemsOf(Resource)],
  ["transient token", TransientTokenContainer],
  ["source device", SourceDeviceContainer]
]

const paths = (issue: ParseResult.ParseError) =>
  ParseResult.ArrayFormatter.formatErrorSync(issue).map((i) => `${i.path.join(".")}: ${i.message}`)

const comparePaths = (a: Path, b: Path): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!]
    if (x === y) continue
    return typeof x === "number" && typeof y === "number" ? y - x : String(y).localeCompare(String(x))
  }
  return b.length - a.length
}

/** The input with each path taken out: a key deleted, a list item removed (highest index first). */
const without = (input: Json, removed: ReadonlyArray<Path>): Json => {
  const copy = structuredClone(input)
  for (const path of [...removed].sort(comparePaths)) {
    let parent: any = copy
    for (const key of path.slice(0, -1)) parent = parent[key as any]
    const last = path[path.length - 1]!
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last as any]
  }
  return copy
}

/**
 * The two decoders agree when Schema accepts the input (same value, nothing
 * left out), when Schema rejects it and the compiled decoder too (same
 * issues), and otherwise the compiled decoder left out exactly what Schema
 * rejects: Schema accepts the input without those fields, with the same value.
 */
const assertAgree = (schema: Schema.Schema<any, any, never>, input: Json) => {
  const encode = Schema.encodeSync(schema)
  const fast = compile(schema)(input)
  const strict = Schema.decodeUnknownEither(schema)(input, { errors: "all" })
  if (Either.isRight(strict)) {
    assert.strictEqual(fast._tag, "Decoded")
    if (fast._tag !== "Decoded") return
    assert.deepStrictEqual(fast.ignored, [])
    assert.deepStrictEqual(encode(fast.value), encode(strict.right))
    return
  }
  if (fast._tag === "Mismatch") {
    assert.deepStrictEqual(paths(fast.error), paths(strict.left))
    return
  }
  assert.isAbove(fast.ignored.length, 0, "the compiled decoder accepted what Schema rejects, and said nothing")
  const pruned = Schema.decodeUnknownEither(schema)(without(input, fast.ignored.map((i) => i.path)))
  assert.isTrue(Either.isRight(pruned), "Schema rejects the input even without the fields left out")
  if (Either.isRight(pruned)) assert.deepStrictEqual(encode(fast.value), encode(pruned.right))
}

const wire = (schema: Schema.Schema<any, any, never>) =>
  Arbitrary.make(schema).map((value) => JSON.parse(JSON.stringify(Schema.encodeSync(schema)(value))) as Json)

// Where a mutation can land: the root and every value inside it.
const locations = (json: Json, path: Path = []): Array<Path> =>
  json !== null && typeof json === "object"
    ? [
      path,
      ...Object.entries(json).flatMap(([key, value]) =>
        locations(value, [...path, Array.isArray(json) ? Number(key) : key])
      )
    ]
    : [path]

const mutation = fc.oneof(
  fc.constant({ kind: "drop" as const }),
  fc.constant({ kind: "null" as const }),
  fc.record({
    kind: fc.constant("retype" as const),
    value: fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant({}), fc.constant([]), fc.constant(1.5))
  }),
  fc.record({
    kind: fc.constant("extra" as const),
    key: fc.string({ maxLength: 8 }),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>
  })
)

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

const mutate = (input: Json, picks: ReadonlyArray<readonly [number, Mutation]>): Json => {
  let out = structuredClone(input)
  for (const [pick, change] of picks) {
    const all = locations(out)
    const path = all[pick % all.length]!
    if (path.length === 0) {
      if (change.kind === "extra" && out !== null && typeof out === "object" && !Array.isArray(out)) {
        out[change.key] = structuredClone(change.value)
      } else if (change.kind === "retype") out = structuredClone(change.value)
      continue
    }
    let parent: any = out
    for (const key of path.slice(0, -1)) parent = parent[key as any]
    const key = path[path.length - 1] as any
    if (change.kind === "drop" && Array.isArray(parent)) parent.splice(key, 1)
    else if (change.kind === "drop") delete parent[key]
    else if (change.kind === "null") parent[key] = null
    else if (change.kind === "retype") parent[key] = structuredClone(change.value)
    else if (parent[key] !== null && typeof parent[key] === "object" && !Array.isArray(parent[key])) {
      parent[key][change.key] = structuredClone(change.value)
    }
  }
  return out
}

describe("the compiled decoders agree with Schema", () => {
  for (const [name, schema] of responses) {
    it(`${name}: compiled from the schema with no fallback to Schema`, () => {
      assert.deepStrictEqual(compile(schema).fallbacks, [])
    })

    it(`${name}: valid values generated from the schema`, () => {
      fc.assert(fc.property(wire(schema), (input) => assertAgree(schema, input)), { numRuns: 150 })
    })

    it(`${name}: the same values with fields dropped, nulled, retyped and added`, () => {
      fc.assert(
        fc.property(
          wire(schema),
          fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
          (input, picks) => assertAgree(schema, mutate(input, picks))
        ),
        { numRuns: 300 }
      )
    })
  }

  it("every recorded body and every spec example", () => {
    const recorded: ReadonlyArray<readonly [string, Schema.Schema<any, any, never>]> = [
      ["plextv-user.", UserPlexAccount],
      ["plextv-pins.", Pin],
      ["plextv-resources.", itemsOf(Resource)]
    ]
    for (const file of realWorldFiles(".json")) {
      const schema = recorded.find(([prefix]) => file.startsWith(prefix))?.[1]
      if (schema !== undefined) assertAgree(schema, JSON.parse(readRealWorld(file)))
    }
    for (const [file, route, method, status, schema] of specExamples) {
      const spec = loadSpec(file)
      assertAgree(schema, exampleOf(spec, responseSchema(spec, route, method, status)))
    }
  })
})

describe("a node the compiler does not know", () => {
  it("is decoded by Schema for that subtree, and listed", () => {
    const Tagged = Schema.Struct({
      id: Schema.TemplateLiteral("id-", Schema.Number),
      next: Schema.suspend((): Schema.Schema<string> => Schema.String),
      count: Schema.Number
    })
    const compiled = compile(Tagged)
    assert.strictEqual(compiled.fallbacks.length, 2)
    assert.isTrue(compiled.fallbacks.some((f) => f.startsWith("TemplateLiteral")))
    assert.isTrue(compiled.fallbacks.some((f) => f.startsWith("Suspend")))
    assertAgree(Tagged, { id: "id-7", next: "n", count: 1 })
    assertAgree(Tagged, { id: "x-7", next: "n", count: 1 })
    assertAgree(Tagged, { id: "id-7", next: 1, count: 1 })
  })
})
