/**
 * The community OpenAPI specs in packages/testing/test-data/plex-openapi, parsed once, plus
 * what the conformance tests need: `$ref` resolution and example synthesis.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "yaml"
import { testDataDir } from "./fixtures.js"

export type Json = any

const cache = new Map<string, Json>()

export const loadSpec = (file: "plex-api-spec.yaml" | "plex-api-spec-2026-01.yaml"): Json => {
  let spec = cache.get(file)
  if (spec === undefined) {
    spec = parse(fs.readFileSync(path.join(testDataDir, "plex-openapi", file), "utf8"), { maxAliasCount: -1 })
    cache.set(file, spec)
  }
  return spec
}

export const resolve = (spec: Json, node: Json): Json => {
  let current = node
  while (current && typeof current.$ref === "string") {
    current = current.$ref.slice(2).split("/").reduce((acc: Json, key: string) => acc[key.replace(/~1/g, "/")], spec)
  }
  return current
}

const merged = (spec: Json, schema: Json): Json => {
  const s = resolve(spec, schema)
  if (!s?.allOf) return s
  const parts = s.allOf.map((part: Json) => merged(spec, part))
  return {
    ...Object.assign({}, ...parts),
    ...s,
    allOf: undefined,
    properties: Object.assign({}, ...parts.map((p: Json) => p.properties ?? {}), s.properties ?? {}),
    required: parts.flatMap((p: Json) => p.required ?? []).concat(s.required ?? [])
  }
}

const typeOf = (s: Json): string | undefined => {
  const t = Array.isArray(s.type) ? s.type.find((x: string) => x !== "null") : s.type
  return t ?? (s.properties ? "object" : s.items ? "array" : undefined)
}

/**
 * The example a schema documents: each property's `example` (or first of
 * `examples`, or `default`, or first `enum` value), filled in recursively, and
 * a plausible value where the spec gives none.
 */
export const exampleOf = (spec: Json, schema: Json): Json => {
  const s = merged(spec, schema)
  if (s === undefined) return null
  // The 2026 spec writes an empty list's example as the string "[]".
  if (typeOf(s) === "array" && typeof s.example === "string") return JSON.parse(s.example)
  if (s.example !== undefined) return s.example
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0]
  if (s.default !== undefined) return s.default
  if (Array.isArray(s.enum)) return s.enum[0]
  const variant = s.oneOf ?? s.anyOf
  if (Array.isArray(variant)) {
    const nonNull = variant.find((v: Json) => resolve(spec, v).type !== "null")
    return exampleOf(spec, nonNull ?? variant[0])
  }
  switch (typeOf(s)) {
    case "object":
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, exampleOf(spec, v)]))
    case "array":
      return [exampleOf(spec, s.items ?? {})]
    case "integer":
    case "number":
      return 1
    case "boolean":
      return false
    case "string":
      return s.format === "date-time" ? "2025-01-01T00:00:00Z" : "text"
    case "null":
      return null
    default:
      return null
  }
}

export const responseSchema = (spec: Json, route: string, method: string, status: string): Json =>
  spec.paths?.[route]?.[method]?.responses?.[status]?.content?.["application/json"]?.schema

const matchesType = (type: string, value: Json) => {
  switch (type) {
    case "null":
      return value === null
    case "integer":
      return Number.isInteger(value)
    case "number":
      return typeof value === "number"
    case "array":
      return Array.isArray(value)
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value)
    default:
      return typeof value === type
  }
}

/**
 * Checks a value against a spec schema: types (with `null` unions), `required`,
 * `properties`, `items`, `enum`, `allOf`, `oneOf`/`anyOf`. Returns the
 * problems found, each with its path; empty means valid.
 */
export const validate = (spec: Json, schema: Json, value: Json, at = "$"): Array<string> => {
  const s = merged(spec, schema)
  if (s === undefined) return []
  const variants = s.oneOf ?? s.anyOf
  if (Array.isArray(variants)) {
    return variants.some((v: Json) => validate(spec, v, value, at).length === 0) ? [] : [`${at}: matches no variant`]
  }
  const types: Array<string> = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]
  if (s.nullable === true) types.push("null")
  if (types.length > 0 && !types.some((t) => matchesType(t, value))) {
    return [`${at}: expected ${types.join(" | ")}, got ${value === null ? "null" : typeof value}`]
  }
  if (value === null) return []
  const problems: Array<string> = []
  if (Array.isArray(s.enum) && !s.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not in the enum`)
  }
  if (Array.isArray(value) && s.items) {
    for (const [i, item] of value.entries()) {
      for (const problem of validate(spec, s.items, item, `${at}[${i}]`)) problems.push(problem)
    }
  }
  if (typeof value === "object" && !Array.isArray(value)) {
    for (const name of s.required ?? []) if (!(name in value)) problems.push(`${at}.${name}: required`)
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      if (!(name in value)) continue
      for (const problem of validate(spec, property, value[name], `${at}.${name}`)) problems.push(problem)
    }
  }
  return problems
}
