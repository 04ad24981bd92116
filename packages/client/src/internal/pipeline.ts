/**
 * The one pipeline every operation runs through: build the request, send it,
 * decide by status, decode the body, under the attempt timeout and in one span
 * named after the operation. Each call makes one `Stamp` (the operation's
 * fields, and a scrubber for the call's secrets) that every stage builds its
 * error with, complete, where it fails.
 *
 * @internal
 */
import { scrub } from "@effect-plex/core/Secrets"
import { tokenHeaderName } from "@effect-plex/core/Wire"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"
import { PlexCredentials, type PlexCredentialsService, type TokenRenewal } from "../PlexCredentials.js"
import { type CommonError, isPlexError, type PlexError, type StatusError, Timeout } from "../PlexError.js"
import { timeLimited } from "./attempt.js"
import { compile } from "./compiler.js"
import { currentDeadlineWatch } from "./deadline.js"
import { type Body, decodeBody, describeIgnored, ignoreBody } from "./decode.js"
import type { Description } from "./description.js"
import type { Stamp } from "./failure.js"
import { buildRequest } from "./request.js"
import { checkStatus } from "./status.js"
import { send } from "./transport.js"

const originOf = (prefix: string): string => URL.canParse(prefix) ? new URL(prefix).origin : prefix

const spanAttributes = (request: HttpClientRequest.HttpClientRequest, hideQuery: boolean) => {
  const url = request.url
  const query = url.indexOf("?")
  const full = query < 0 ? url : url.slice(0, query)
  const slash = full.indexOf("/", full.indexOf("//") + 2)
  return {
    "http.request.method": request.method,
    "server.address": originOf(slash < 0 ? full : full.slice(0, slash)),
    "url.full": hideQuery ? full : url,
    "url.path": slash < 0 ? "/" : full.slice(slash)
  }
}

const withCurrentToken = (
  credentials: PlexCredentialsService,
  token: Redacted.Redacted<string>
): PlexCredentialsService => ({ ...credentials, token: Option.some(token) })

// Under `Jwt.layer` the token is asked for before each call; after a 498 it is
// renewed once and the call is sent again.
const withRenewal = <A, E, R>(
  renewal: TokenRenewal,
  credentials: PlexCredentialsService,
  call: (credentials: PlexCredentialsService) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CommonError, R> =>
  Effect.flatMap(renewal.current, (token) =>
    Effect.catchIf(
      call(withCurrentToken(credentials, token)),
      (error) => Predicate.isTagged(error, "TokenExpired"),
      () => Effect.flatMap(renewal.expired(token), (fresh) => call(withCurrentToken(credentials, fresh)))
    ))

/**
 * Turns a description into its operation: a function from the input to an
 * `Effect` that needs only `HttpClient` and `PlexCredentials`. The function
 * carries the operation's name as its `name`.
 *
 * @internal
 */
export const run = <In = void, S = void, A = S, E = PlexError>(
  description: Description<In, S, A>
): (input: In) => Effect.Effect<A, E, HttpClient.HttpClient | PlexCredentials> => {
  const { extract, name, refine, secrets } = description
  const spanName = `plex.${name}`
  // A secret that travels in the query (the JWT PIN poll's deviceJWT) stays off the span.
  const hideQuery = description.query !== undefined && secrets !== undefined
  const common = description.idempotent === false
    ? { operation: name, idempotent: false as const }
    : { operation: name }
  const decode: (
    response: HttpClientResponse.HttpClientResponse,
    stamp: Stamp
  ) => Effect.Effect<Body<S>, PlexError> = description.success === undefined
    ? ignoreBody as (response: HttpClientResponse.HttpClientResponse, stamp: Stamp) => Effect.Effect<Body<S>, PlexError>
    : decodeBody(compile(description.success), description.xml)

  const stampOf = (request: HttpClientRequest.HttpClientRequest | undefined, input: In): Stamp => ({
    common,
    scrub: (text) => {
      const token = request?.headers[tokenHeaderName]
      const extra = secrets === undefined ? [] : secrets(input).filter((s): s is string => s !== undefined)
      return scrub(text, token === undefined ? extra : [token, ...extra])
    }
  })

  // The tolerant reader's report: each field it left out, once per call, as
  // one warning and as span events, by path and expectation, never by value.
  const finish = (body: Body<S>, span: Tracer.Span): Effect.Effect<A> => {
    const value = (extract === undefined ? body.value : extract(body.value)) as A
    if (body.ignored.length === 0) return Effect.succeed(value)
    const issues = describeIgnored(body.ignored)
    return Effect.flatMap(Clock.currentTimeNanos, (now) => {
      for (const issue of issues) {
        span.event("plex.field_ignored", now, { "plex.field.path": issue.path, "plex.field.problem": issue.problem })
      }
      const fields = issues.map((issue) => `${issue.path} ${issue.problem}`).join("; ")
      return Effect.logWarning(`${name}: left out fields that did not decode: ${fields}`).pipe(
        Effect.withParentSpan(span),
        Effect.as(value)
      )
    })
  }

  const attempt = (request: HttpClientRequest.HttpClientRequest, stamp: Stamp, span: Tracer.Span) =>
    send(request, stamp).pipe(
      Effect.flatMap((response) => {
        span.attribute("http.response.status_code", response.status)
        return checkStatus(response, stamp)
      }),
      Effect.flatMap((response) => decode(response, stamp)),
      Effect.withParentSpan(span)
    )

  const call = (credentials: PlexCredentialsService, input: In) => {
    const request = buildRequest(
      description as Description<In, unknown, unknown>,
      credentials,
      input,
      stampOf(undefined, input)
    )
    const built = isPlexError(request) ? undefined : request
    return Effect.useSpan(spanName, {
      kind: "client",
      captureStackTrace: false,
      attributes: built === undefined ? { "http.request.method": description.method } : spanAttributes(built, hideQuery)
    }, (span) => {
      const stamp = stampOf(built, input)
      const result: Effect.Effect<Body<S>, PlexError, HttpClient.HttpClient> = built === undefined
        ? Effect.fail(request as PlexError)
        : timeLimited(attempt(built, stamp, span), (timeout) => new Timeout({ ...stamp.common, timeout }))
      return result.pipe(
        Effect.mapError((error) =>
          refine !== undefined && isStatusError(error) ? refine(error, input) ?? error : error
        ),
        Effect.flatMap((body) => finish(body, span))
      )
    })
  }

  const operation = (input: In): Effect.Effect<A, E, HttpClient.HttpClient | PlexCredentials> =>
    FiberRef.getWith(currentDeadlineWatch, (watch) => {
      if (watch !== undefined) watch.last = name
      return Effect.flatMap(PlexCredentials, (credentials) => {
        const renewal = description.token === "never" ? undefined : credentials.renewal
        return renewal === undefined
          ? call(credentials, input)
          : withRenewal(renewal, credentials, (current) => call(current, input))
      })
    }) as Effect.Effect<A, E, HttpClient.HttpClient | PlexCredentials>
  return Object.defineProperty(operation, "name", { value: name })
}

const isStatusError = (error: PlexError): error is StatusError =>
  error._tag === "BadRequest" || error._tag === "Unauthorized" || error._tag === "RateLimited" ||
  error._tag === "TokenExpired" || error._tag === "UnexpectedStatus"
