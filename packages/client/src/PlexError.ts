/**
 * Every way a Plex call can fail, as tagged values for the error channel.
 *
 * None of these errors holds a token, a password or a request: only the
 * operation name, statuses, Plex's own error codes and short reasons. That is
 * what keeps `String(e)`, `JSON.stringify(e)` and `util.inspect(e)` safe to log.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

const id = (name: string) => `@effect-plex/client/${name}`

/**
 * Marks every `PlexError`. A global symbol, so that `isPlexError` also
 * recognises errors made by another copy of this package.
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-plex/client/PlexError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * One entry of Plex's `errors[]` body: `{ code, message, status }`, each of
 * which real servers sometimes leave out.
 *
 * @since 0.1.0
 * @category models
 */
export class PlexErrorDetail extends Schema.Class<PlexErrorDetail>(id("PlexErrorDetail"))({
  code: Schema.Option(Schema.Number),
  message: Schema.Option(Schema.String),
  status: Schema.Option(Schema.Number)
}) {}

const common = {
  /** The operation that failed, e.g. `getTokenDetails`. */
  operation: Schema.String,
  /** How many attempts were made, when a retry policy ran out. */
  attempts: Schema.optional(Schema.Int),
  /**
   * `false` when sending the request again could repeat its effect: each
   * failed sign-in counts towards Plex's lock-out. Retry policies then retry
   * only a failure where no connection was made (`TransportError` phase
   * `connect`).
   */
  idempotent: Schema.optional(Schema.Literal(false))
}

const statusFields = {
  ...common,
  status: Schema.Int,
  errors: Schema.Array(PlexErrorDetail)
}

const describeDetails = (errors: ReadonlyArray<PlexErrorDetail>): string => {
  const parts = errors.map((e) =>
    [Option.map(e.code, (c) => `Plex ${c}`), e.message].filter(Option.isSome).map((o) => o.value).join(": ")
  ).filter((s) => s.length > 0)
  return parts.length === 0 ? "" : ` (${parts.join("; ")})`
}

const attemptsSuffix = (attempts: number | undefined) => attempts === undefined ? "" : ` after ${attempts} attempts`

/**
 * HTTP 400: a parameter was missing or wrong, e.g. Plex code 1000 when
 * `X-Plex-Client-Identifier` is missing.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>(id("BadRequest"))("BadRequest", statusFields) {
  override get message(): string {
    return `${this.operation}: Plex rejected the request as malformed (400)${describeDetails(this.errors)}`
  }
}

/**
 * HTTP 401 (or 403 from a Plex Media Server, or 422 "Invalid token" from
 * older plex.tv endpoints for a de-authorized token): the token, or the
 * sign-in credentials, were not accepted. Plex code 1001 means wrong
 * credentials.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>(id("Unauthorized"))("Unauthorized", statusFields) {
  override get message(): string {
    return `${this.operation}: Plex did not accept the credentials (${this.status})${describeDetails(this.errors)}`
  }
}

/**
 * Sign-in needs the account's two-factor code (401 with Plex code 1029): call
 * again with `verificationCode`.
 *
 * @since 0.1.0
 * @category errors
 */
export class VerificationCodeRequired
  extends Schema.TaggedError<VerificationCodeRequired>(id("VerificationCodeRequired"))(
    "VerificationCodeRequired",
    statusFields
  )
{
  override get message(): string {
    return `${this.operation}: Plex wants a two-factor verification code; call again with verificationCode`
  }
}

/**
 * Switching to a Home user whose profile has a PIN, without it or with a
 * wrong one (403, Plex code 1041). Ask the person for the PIN; never retry
 * with the same one. The PIN is never kept in the error.
 *
 * @since 0.2.0
 * @category errors
 */
export class HomePinRequired extends Schema.TaggedError<HomePinRequired>(id("HomePinRequired"))(
  "HomePinRequired",
  statusFields
) {
  override get message(): string {
    return `${this.operation}: this Home user's profile needs its PIN, and none or a wrong one was given`
  }
}

/**
 * Plex has locked sign-in from this IP after repeated failures (Plex code
 * 1031). Retrying only extends the lock-out: wait, or sign in with a PIN.
 *
 * @since 0.1.0
 * @category errors
 */
export class SignInLockedOut extends Schema.TaggedError<SignInLockedOut>(id("SignInLockedOut"))(
  "SignInLockedOut",
  statusFields
) {
  override get message(): string {
    return `${this.operation}: Plex has locked sign-in from this IP after repeated failures (1031); do not retry now`
  }
}

/**
 * HTTP 429. `retryAfter` is the server's `Retry-After`, whether it was sent as
 * seconds or as an HTTP-date.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>(id("RateLimited"))("RateLimited", {
  ...statusFields,
  retryAfter: Schema.Option(Schema.Duration)
}) {
  override get message(): string {
    const wait = Option.match(this.retryAfter, {
      onNone: () => "",
      onSome: (d) =>
        Duration.greaterThan(d, Duration.days(1))
          ? "; retry after more than a day"
          : `; retry after ${Duration.format(d)}`
    })
    return `${this.operation}: Plex is rate limiting this client (429)${wait}${attemptsSuffix(this.attempts)}`
  }
}

/**
 * HTTP 498: the token was a Plex JWT, and it has expired. Under `Jwt.layer`
 * the token is renewed and the call sent once more, so a caller sees this
 * only when the renewal failed too; `renewal` then says why.
 *
 * @since 0.2.0
 * @category errors
 */
export class TokenExpired extends Schema.TaggedError<TokenExpired>(id("TokenExpired"))("TokenExpired", {
  ...statusFields,
  /** Why the token could not be renewed, when a renewal was tried. */
  renewal: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const renewal = this.renewal === undefined ? "" : `; renewing it failed: ${this.renewal}`
    return `${this.operation}: the Plex JWT has expired (498)${renewal}`
  }
}

/**
 * HTTP 422 from the JWT endpoints. `reason` is `thumbprintTaken` when the key
 * is registered to another device, `signatureRejected` when Plex could not
 * verify the device JWT (an unregistered key, a used or expired nonce), and
 * `other` for any other 422.
 *
 * @since 0.2.0
 * @category errors
 */
export class JwtRejected extends Schema.TaggedError<JwtRejected>(id("JwtRejected"))("JwtRejected", {
  ...statusFields,
  reason: Schema.Literal("thumbprintTaken", "signatureRejected", "other")
}) {
  override get message(): string {
    const why = this.reason === "thumbprintTaken"
      ? "the key is already registered to another device"
      : this.reason === "signatureRejected"
      ? "Plex could not verify the device JWT's signature"
      : "Plex rejected the request"
    return `${this.operation}: ${why} (422)${describeDetails(this.errors)}`
  }
}

/**
 * The Plex JWT that came back failed a check, so it was not used. `check`
 * names the one that failed: `signature` (no published key verifies it),
 * `unknownKey` (its `kid` is not among Plex's keys, even after refetching
 * them), `issuer`, `audience`, `thumbprint` (issued for another key),
 * `expiry` (already expired), `issuedAt` (more than 60 s ahead, or more
 * than 30 days ago) or `malformed` (also an `exp` or `iat` no date can
 * hold). The token itself is never kept.
 *
 * @since 0.2.0
 * @category errors
 */
export class JwtVerificationFailed extends Schema.TaggedError<JwtVerificationFailed>(id("JwtVerificationFailed"))(
  "JwtVerificationFailed",
  {
    ...common,
    check: Schema.Literal(
      "signature",
      "unknownKey",
      "issuer",
      "audience",
      "thumbprint",
      "expiry",
      "issuedAt",
      "malformed"
    )
  }
) {
  override get message(): string {
    return `${this.operation}: the Plex JWT failed verification (${this.check}); it was not used`
  }
}

/**
 * Any other status: a 5xx, a redirect the transport did not follow, 404, …
 * `retryAfter` is the server's `Retry-After` (a 503 may send one), which
 * `Retry` and PIN polling wait out.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedStatus extends Schema.TaggedError<UnexpectedStatus>(id("UnexpectedStatus"))(
  "UnexpectedStatus",
  {
    ...statusFields,
    retryAfter: Schema.optionalWith(Schema.Option(Schema.Duration), { default: () => Option.none() })
  }
) {
  override get message(): string {
    return `${this.operation}: unexpected HTTP status ${this.status}${describeDetails(this.errors)}${
      attemptsSuffix(this.attempts)
    }`
  }
}

/**
 * The connection failed. `phase` says where:
 * - `"connect"`: no connection was made (refused, DNS, TLS, connect timeout),
 *   so nothing was sent;
 * - `"request"`: it broke while sending or before any response, so the server
 *   may or may not have seen the request;
 * - `"response"`: the body broke off after the status line;
 * - `"redirect"`: the server answered with a 3xx, which fetch refused
 *   (`redirect: "error"`), so nothing was sent again and the status is not
 *   known. Not transient: a redirect is not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>(id("TransportError"))("TransportError", {
  ...common,
  phase: Schema.Literal("connect", "request", "response", "redirect"),
  reason: Schema.String
}) {
  override get message(): string {
    if (this.phase === "redirect") return `${this.operation}: ${this.reason}${attemptsSuffix(this.attempts)}`
    const where = this.phase === "connect"
      ? "before connecting"
      : this.phase === "request"
      ? "before any response"
      : "while reading the response"
    return `${this.operation}: connection failed ${where}: ${this.reason}${attemptsSuffix(this.attempts)}`
  }
}

/**
 * One attempt took longer than its per-attempt timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>(id("Timeout"))("Timeout", {
  ...common,
  timeout: Schema.Duration
}) {
  override get message(): string {
    return `${this.operation}: no complete response within ${Duration.format(this.timeout)}${
      attemptsSuffix(this.attempts)
    }`
  }
}

/**
 * The overall deadline of a call, retries and waits included, passed.
 * `operation` is the last operation the call had started.
 *
 * @since 0.1.0
 * @category errors
 */
export class DeadlineExceeded extends Schema.TaggedError<DeadlineExceeded>(id("DeadlineExceeded"))(
  "DeadlineExceeded",
  { ...common, deadline: Schema.Duration }
) {
  override get message(): string {
    return `${this.operation}: the call did not finish within its deadline of ${Duration.format(this.deadline)}`
  }
}

/**
 * One problem found while decoding a response: where (`path`) and what.
 *
 * @since 0.1.0
 * @category models
 */
export class SchemaIssue extends Schema.Class<SchemaIssue>(id("SchemaIssue"))({
  path: Schema.String,
  problem: Schema.String
}) {}

/**
 * What made a success's body unusable, in `BodyError.reason`:
 * - `Empty`: no body at all;
 * - `NotJson`: XML, HTML or text, usually a proxy, a captive portal, or a
 *   server that ignored `Accept: application/json` (`contentType`, and
 *   `contentEncoding` when the transport left the body encoded);
 * - `MalformedJson`: it looks like JSON but does not parse, truncated or
 *   corrupted (`detail` is the parser's diagnosis, never the body);
 * - `SchemaMismatch`: valid JSON whose essential fields are missing or of the
 *   wrong shape, e.g. no `authToken` (`issues` name each path, never the value);
 * - `TooLarge`: over the client's limit (`limit`, 16 MiB); the connection is
 *   dropped as soon as the limit is passed.
 *
 * @since 0.2.0
 * @category models
 */
export const BodyErrorReason = Schema.Literal("Empty", "NotJson", "MalformedJson", "SchemaMismatch", "TooLarge")

/**
 * @since 0.2.0
 * @category models
 */
export type BodyErrorReason = typeof BodyErrorReason.Type

/**
 * A success status whose body cannot be used: one outcome, told apart by
 * `reason` (see `BodyErrorReason`), as the platform's `ResponseError` is. No
 * retry policy retries it: the same request gets the same body.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { getTokenDetails } from "@effect-plex/client/TokenDetails"
 *
 * const account = getTokenDetails().pipe(
 *   Effect.catchTag("BodyError", (error) =>
 *     error.reason === "NotJson"
 *       ? Effect.dieMessage(`a proxy answered with ${error.contentType ?? "no content type"}`)
 *       : Effect.fail(error))
 * )
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export class BodyError extends Schema.TaggedError<BodyError>(id("BodyError"))("BodyError", {
  ...common,
  reason: BodyErrorReason,
  /** The success status the body came with, when there was a response. */
  status: Schema.optional(Schema.Int),
  /** `NotJson`: the body's content type, `""` when it had none. */
  contentType: Schema.optional(Schema.String),
  /** `NotJson`: the body's `content-encoding` (e.g. `gzip`), when the transport left it encoded. */
  contentEncoding: Schema.optional(Schema.String),
  /** `MalformedJson`: the parser's diagnosis. */
  detail: Schema.optional(Schema.String),
  /** `TooLarge`: the limit, in bytes. */
  limit: Schema.optional(Schema.Int),
  /** `SchemaMismatch`: each field that did not decode, by path. */
  issues: Schema.optional(Schema.Array(SchemaIssue))
}) {
  override get message(): string {
    const status = this.status === undefined ? "" : ` (status ${this.status})`
    switch (this.reason) {
      case "Empty":
        return `${this.operation}: Plex answered ${this.status ?? "a success"} with an empty body`
      case "NotJson": {
        const what = this.contentType || "no content type"
        return this.contentEncoding === undefined
          ? `${this.operation}: expected JSON but got ${what}${status}`
          : `${this.operation}: expected JSON but got a ${this.contentEncoding}-encoded body (${what}) that the transport did not decode${status}`
      }
      case "MalformedJson":
        return `${this.operation}: the response body is not valid JSON: ${this.detail ?? "it does not parse"}`
      case "TooLarge":
        return `${this.operation}: the response body is larger than ${this.limit ?? "the limit of"} bytes`
      case "SchemaMismatch":
        return `${this.operation}: unexpected response shape: ${
          (this.issues ?? []).map((i) => `${i.path || "(root)"} ${i.problem}`).join("; ")
        }`
    }
  }
}

/**
 * The call needs a credential that `PlexCredentials` does not have: a token,
 * or the Plex Media Server URL.
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingCredential extends Schema.TaggedError<MissingCredential>(id("MissingCredential"))(
  "MissingCredential",
  { ...common, missing: Schema.Literal("token", "serverUrl") }
) {
  override get message(): string {
    return this.missing === "token"
      ? `${this.operation}: needs a Plex token, and PlexCredentials has none (set PLEX_TOKEN or sign in)`
      : `${this.operation}: needs the Plex Media Server URL, and PlexCredentials has none (set PLEX_SERVER_URL)`
  }
}

/**
 * An argument that cannot be sent as given. Nothing was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>(id("InvalidInput"))("InvalidInput", {
  ...common,
  field: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: invalid ${this.field}: ${this.reason}`
  }
}

/**
 * A PIN that plex.tv no longer knows (404, Plex code 1020), usually because it
 * expired.
 *
 * @since 0.1.0
 * @category errors
 */
export class PinNotFound extends Schema.TaggedError<PinNotFound>(id("PinNotFound"))("PinNotFound", {
  ...common,
  pinId: Schema.Int
}) {
  override get message(): string {
    return `${this.operation}: plex.tv does not know PIN ${this.pinId} (expired or never created); create a new one`
  }
}

/**
 * The PIN expired before anyone claimed it.
 *
 * @since 0.1.0
 * @category errors
 */
export class PinExpired extends Schema.TaggedError<PinExpired>(id("PinExpired"))("PinExpired", {
  ...common,
  pinId: Schema.Int
}) {
  override get message(): string {
    return `${this.operation}: PIN ${this.pinId} expired before it was claimed; create a new one`
  }
}

/**
 * The schedule given to `Pin.waitForToken` ended while the PIN was still
 * valid and nobody had claimed it: wait again, or create a new PIN.
 *
 * @since 0.1.0
 * @category errors
 */
export class PinNotClaimed extends Schema.TaggedError<PinNotClaimed>(id("PinNotClaimed"))("PinNotClaimed", {
  ...common,
  pinId: Schema.Int
}) {
  override get message(): string {
    return `${this.operation}: PIN ${this.pinId} was not claimed before the polling schedule ended; it is still valid`
  }
}

/**
 * One connection of a server that did not answer a probe, and why.
 *
 * @since 0.1.0
 * @category models
 */
export class CandidateFailure extends Schema.Class<CandidateFailure>(id("CandidateFailure"))({
  uri: Schema.String,
  reason: Schema.String
}) {}

/**
 * No connection of a server answered.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoConnection extends Schema.TaggedError<NoConnection>(id("NoConnection"))("NoConnection", {
  ...common,
  server: Schema.String,
  candidates: Schema.Array(CandidateFailure)
}) {
  override get message(): string {
    const reasons = this.candidates.map((c) => `${c.uri}: ${c.reason}`).join("; ")
    return `${this.operation}: no connection to ${this.server} answered${
      reasons === "" ? " (it lists none)" : ` (${reasons})`
    }`
  }
}

/**
 * Every error class of this library, in one place: the `PlexError` union and
 * `isPlexError` are derived from it.
 *
 * @since 0.1.0
 * @category errors
 */
export const errors = {
  BadRequest,
  Unauthorized,
  VerificationCodeRequired,
  SignInLockedOut,
  HomePinRequired,
  RateLimited,
  TokenExpired,
  JwtRejected,
  JwtVerificationFailed,
  UnexpectedStatus,
  TransportError,
  Timeout,
  DeadlineExceeded,
  BodyError,
  MissingCredential,
  InvalidInput,
  PinNotFound,
  PinExpired,
  PinNotClaimed,
  NoConnection
} as const

for (const error of Object.values(errors)) {
  Object.defineProperty(error.prototype, TypeId, { value: TypeId })
}

/**
 * Any error an operation of this library can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type PlexError = InstanceType<(typeof errors)[keyof typeof errors]>

/**
 * Whether `u` is a `PlexError`, from this copy of the package or another.
 *
 * @since 0.1.0
 * @category guards
 */
export const isPlexError = (u: unknown): u is PlexError => Predicate.hasProperty(u, TypeId)

/**
 * Errors decided by the response status.
 *
 * @since 0.1.0
 * @category errors
 */
export type StatusError = BadRequest | Unauthorized | RateLimited | TokenExpired | UnexpectedStatus

/**
 * Errors every operation can fail with, whatever it sends.
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonError = StatusError | BodyError | TransportError | Timeout
