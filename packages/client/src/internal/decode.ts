/**
 * Stage 4: turn a 2xx body into a typed value. The body is classified before
 * parsing, so XML or HTML is reported as such instead of as a JSON syntax error.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import {
  type BodyError,
  BodyTooLarge,
  EmptyBody,
  MalformedJson,
  NonJsonBody,
  SchemaIssue,
  SchemaMismatch,
  type TransportError
} from "../PlexError.js"
import { maxBodyBytes, readText, TooLarge } from "./body.js"
import { transportError } from "./transportFailure.js"

/** A decoder built once per schema, at module load. @internal */
export type Decoder<A> = (input: unknown) => Effect.Effect<A, ParseResult.ParseError>

/** For answers whose body does not matter (ping, sign-out): read it, keep nothing. @internal */
export const ignoreBody = (_: unknown): Effect.Effect<void, ParseResult.ParseError> => Effect.void

// Schema messages quote the offending value ("Expected string, actual …"); that
// value may be a token, so only the expectation is kept.
const withoutActual = (message: string) => message.replace(/,\s*actual[\s\S]*$/, "")

// V8 quotes the body in some JSON.parse messages (`Unexpected token 'S', "…" is
// not valid JSON`); the body may hold a token, so only the diagnosis is kept.
const withoutInput = (message: string) => message.replace(/,[\s\S]*is not valid JSON$/, "")

const toIssues = (error: ParseResult.ParseError): Array<SchemaIssue> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).slice(0, 10).map((issue) =>
    new SchemaIssue({
      path: issue.path.map(String).join("."),
      problem: issue._tag === "Missing" ? "is missing" : withoutActual(issue.message)
    })
  )

const parse = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse,
  text: string
): Effect.Effect<unknown, EmptyBody | NonJsonBody | MalformedJson> => {
  const status = response.status
  const trimmed = text.trim()
  if (trimmed === "") return Effect.fail(new EmptyBody({ operation, status }))
  if (trimmed[0] !== "{" && trimmed[0] !== "[") {
    return Effect.fail(new NonJsonBody({ operation, status, contentType: response.headers["content-type"] ?? "" }))
  }
  try {
    return Effect.succeed(JSON.parse(trimmed) as unknown)
  } catch (e) {
    return Effect.fail(
      new MalformedJson({ operation, status, reason: withoutInput(e instanceof Error ? e.message : String(e)) })
    )
  }
}

/** @internal */
export const decodeBody = <A>(
  operation: string,
  decoder: Decoder<A>,
  response: HttpClientResponse.HttpClientResponse,
  secrets: ReadonlyArray<string>
): Effect.Effect<A, BodyError | TransportError> =>
  readText(response, maxBodyBytes).pipe(
    Effect.mapError((error) =>
      error instanceof TooLarge
        ? new BodyTooLarge({ operation, status: response.status, limit: maxBodyBytes })
        : transportError(operation, "response", error, secrets)
    ),
    Effect.flatMap((text) => decoder === ignoreBody ? Effect.succeed(undefined) : parse(operation, response, text)),
    Effect.flatMap((json) =>
      Effect.mapError(decoder(json), (error) => new SchemaMismatch({ operation, issues: toIssues(error) }))
    )
  )
