/**
 * Stage 4: turn a 2xx body into a typed value. The body is classified before
 * parsing, so XML or HTML is reported as such instead of as a JSON syntax
 * error. The compiled decoder does the work; Schema explains what it rejects.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { BodyError, SchemaIssue, type TransportError } from "../PlexError.js"
import { maxBodyBytes, readText, TooLarge } from "./body.js"
import { type Decoder, type Ignored, nonNull } from "./compiler.js"
import type { Stamp } from "./failure.js"
import { transportFailure } from "./transportFailure.js"

// Schema messages quote the offending value ("Expected string, actual …"); that
// value may be a token, so only the expectation is kept.
const withoutActual = (message: string) => message.replace(/,\s*actual[\s\S]*$/, "")

// V8 quotes the body in some JSON.parse messages (`Unexpected token 'S', "…" is
// not valid JSON`); the body may hold a token, so only the diagnosis is kept.
const withoutInput = (message: string) => message.replace(/,[\s\S]*is not valid JSON$/, "")

const issuesOf = (issue: ParseResult.ParseIssue, prefix: ReadonlyArray<PropertyKey> = []): Array<SchemaIssue> =>
  ParseResult.ArrayFormatter.formatIssueSync(issue).map((issue) =>
    new SchemaIssue({
      path: [...prefix, ...issue.path].map(String).join("."),
      problem: issue._tag === "Missing" ? "is missing" : withoutActual(issue.message)
    })
  )

/**
 * What was expected of each field that the tolerant reader left out: one
 * issue per field, by its path, never with its value. Schema decodes the
 * field once more to say so.
 *
 * @internal
 */
export const describeIgnored = (ignored: ReadonlyArray<Ignored>): Array<SchemaIssue> =>
  ignored.map(({ ast, input, path }) => {
    // It was left out because its value was neither null nor absent, so only
    // what was expected of the value itself is said.
    const result = ParseResult.decodeUnknownEither(Schema.make(nonNull(ast)))(input)
    const problems = result._tag === "Left"
      ? issuesOf(result.left).map((issue) => issue.path === "" ? issue.problem : `${issue.path} ${issue.problem}`)
      : ["could not be decoded"]
    return new SchemaIssue({ path: path.map(String).join("."), problem: [...new Set(problems)].join("; ") })
  })

/** @internal */
export interface Body<A> {
  readonly value: A
  readonly ignored: ReadonlyArray<Ignored>
}

const parse = (
  response: HttpClientResponse.HttpClientResponse,
  text: string,
  xml: ((text: string) => unknown) | undefined,
  stamp: Stamp
): Effect.Effect<unknown, BodyError> => {
  const status = response.status
  const trimmed = text.trim()
  if (trimmed === "") return Effect.fail(new BodyError({ ...stamp.common, reason: "Empty", status }))
  const fromXml = xml !== undefined && trimmed[0] === "<" ? xml(trimmed) : undefined
  if (fromXml !== undefined) return Effect.succeed(fromXml)
  if (trimmed[0] !== "{" && trimmed[0] !== "[") {
    const contentType = response.headers["content-type"] ?? ""
    const encoding = response.headers["content-encoding"]
    return Effect.fail(
      new BodyError({
        ...stamp.common,
        reason: "NotJson",
        status,
        contentType: stamp.scrub(contentType),
        ...(encoding === undefined || encoding === "identity" ? {} : { contentEncoding: stamp.scrub(encoding) })
      })
    )
  }
  try {
    return Effect.succeed(JSON.parse(trimmed) as unknown)
  } catch (e) {
    const reason = withoutInput(e instanceof Error ? e.message : String(e))
    return Effect.fail(
      new BodyError({ ...stamp.common, reason: "MalformedJson", status, detail: stamp.scrub(reason) })
    )
  }
}

const read = (
  response: HttpClientResponse.HttpClientResponse,
  stamp: Stamp
): Effect.Effect<string, BodyError | TransportError> =>
  Effect.mapError(readText(response, maxBodyBytes), (error) =>
    error instanceof TooLarge
      ? new BodyError({ ...stamp.common, reason: "TooLarge", status: response.status, limit: maxBodyBytes })
      : transportFailure("response", error, stamp))

const nothing: Body<void> = { value: undefined, ignored: [] }

/**
 * Reads the body to its end, so the connection can be reused, and keeps
 * nothing: for answers whose body does not matter (ping, sign-out).
 *
 * @internal
 */
export const ignoreBody = (
  response: HttpClientResponse.HttpClientResponse,
  stamp: Stamp
): Effect.Effect<Body<void>, BodyError | TransportError> => Effect.as(read(response, stamp), nothing)

/** @internal */
export const decodeBody = <A>(decoder: Decoder<A>, xml?: ((text: string) => unknown) | undefined) =>
(
  response: HttpClientResponse.HttpClientResponse,
  stamp: Stamp
): Effect.Effect<Body<A>, BodyError | TransportError> =>
  read(response, stamp).pipe(
    Effect.flatMap((text) => parse(response, text, xml, stamp)),
    Effect.flatMap((json) => {
      const decoded = decoder(json)
      if (decoded._tag === "Decoded") return Effect.succeed(decoded)
      const issues = issuesOf(decoded.error.issue).slice(0, 10)
      return Effect.fail(
        new BodyError({ ...stamp.common, reason: "SchemaMismatch", status: response.status, issues })
      )
    })
  )
