/**
 * JWT device authentication, Plex's recommended sign-in. A device holds an
 * Ed25519 key, registers its public half once, and trades a signed device
 * JWT for a Plex JWT that lasts 7 days. `layer` keeps such a token valid for
 * as long as a program runs, so every operation works under it unchanged.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Jwt from "@effect-plex/client/Jwt"
 * import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
 * import { getTokenDetails } from "@effect-plex/client/TokenDetails"
 *
 * // The key: from Jwt.generateKey() or KeyStore, registered once with Jwt.registerKey.
 * const whoami = (key: Jwt.DeviceKey) =>
 *   getTokenDetails().pipe(
 *     Effect.provide(
 *       Jwt.layer({ key }).pipe(
 *         Layer.provide(PlexCredentials.layer({ clientIdentifier: "my-device" })),
 *         Layer.provideMerge(FetchHttpClient.layer)
 *       )
 *     )
 *   )
 * ```
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as jose from "jose"
import * as deviceJwt from "./internal/deviceJwt.js"
import { run } from "./internal/pipeline.js"
import { makeRenewal, refreshAt } from "./internal/renewal.js"
import { Secret } from "./internal/schemas.js"
import { PlexCredentials, type PlexCredentialsService } from "./PlexCredentials.js"
import {
  type CommonError,
  InvalidInput,
  JwtRejected,
  JwtVerificationFailed,
  type MissingCredential,
  type StatusError,
  TokenExpired
} from "./PlexError.js"
import * as Retry from "./Retry.js"

const id = (name: string) => `@effect-plex/client/${name}`

/**
 * What a Plex JWT may grant. `exchange` asks for all of them by default.
 *
 * @since 0.2.0
 * @category constants
 */
export const allScopes: typeof deviceJwt.allScopes = deviceJwt.allScopes

/**
 * @since 0.2.0
 * @category models
 */
export type JwtScope = (typeof allScopes)[number]

const base64url32 = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]{43}$/, { message: () => "Expected 32 bytes in base64url" })
)

/**
 * The public half of a device key, as Plex takes it.
 *
 * @since 0.2.0
 * @category schemas
 */
export class PublicJwk extends Schema.Class<PublicJwk>(id("PublicJwk"))({
  kty: Schema.Literal("OKP"),
  crv: Schema.Literal("Ed25519"),
  x: base64url32,
  kid: Schema.String,
  use: Schema.Literal("sig"),
  alg: Schema.Literal("EdDSA")
}) {}

/**
 * A device's Ed25519 key. `kid` is the hex SHA-256 of the private key bytes
 * followed by the public key bytes, as python-plexapi and @ctrl/plex compute
 * it. The private part is `Redacted`: `String`, `JSON.stringify` and
 * `inspect` show `<redacted>`. Encoding with the schema (`Schema.encode`) is
 * how a key is persisted, and the only way its private part is written out.
 *
 * @since 0.2.0
 * @category schemas
 */
export class DeviceKey extends Schema.Class<DeviceKey>(id("DeviceKey"))({
  kid: Schema.String,
  publicJwk: PublicJwk,
  /** The private key (`d`), base64url. */
  privateKey: Schema.Redacted(base64url32)
}) {}

/**
 * A new Ed25519 device key, from WebCrypto.
 *
 * @since 0.2.0
 * @category constructors
 */
export const generateKey = (): Effect.Effect<DeviceKey> =>
  Effect.gen(function*() {
    const jwk = yield* Effect.promise(async () => {
      const { privateKey } = await jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })
      return jose.exportJWK(privateKey)
    })
    const privateKey = Redacted.make(jwk.d!)
    const kid = yield* deviceJwt.keyId(privateKey, jwk.x!)
    return new DeviceKey({
      kid,
      publicJwk: new PublicJwk({ kty: "OKP", crv: "Ed25519", x: jwk.x!, kid, use: "sig", alg: "EdDSA" }),
      privateKey
    })
  }).pipe(Effect.withSpan("plex.generateKey"))

/**
 * The claims of a Plex JWT that `exchange` checked.
 *
 * @since 0.2.0
 * @category schemas
 */
export class PlexJwtClaims extends Schema.Class<PlexJwtClaims>(id("PlexJwtClaims"))({
  iss: Schema.String,
  aud: Schema.Array(Schema.String),
  /** The `kid` of the device key it was issued for. */
  thumbprint: Schema.String,
  scope: Schema.optional(Schema.String),
  iat: Schema.Number,
  exp: Schema.Number
}) {}

/**
 * A verified Plex JWT. Use `token` as any Plex token; it stops working at
 * `expiresAt` (7 days after issue), when Plex answers 498.
 *
 * @since 0.2.0
 * @category schemas
 */
export class PlexJwt extends Schema.Class<PlexJwt>(id("PlexJwt"))({
  token: Schema.Redacted(Schema.String),
  expiresAt: Schema.DateTimeUtc,
  scopes: Schema.Array(Schema.String),
  claims: PlexJwtClaims
}) {}

const thumbprintTaken = /thumbprint/i
const signature = /signature|nonce/i

// Plex answers 422 to a key it will not take and to a device JWT it cannot verify.
const rejected = (error: StatusError): JwtRejected | undefined => {
  if (error.status !== 422) return undefined
  const text = error.errors.map((e) => Option.getOrElse(e.message, () => "")).join(" ")
  const reason = thumbprintTaken.test(text) ? "thumbprintTaken" : signature.test(text) ? "signatureRejected" : "other"
  return new JwtRejected({ operation: error.operation, status: 422, errors: error.errors, reason })
}

const postJwk = run<PublicJwk, void, void, CommonError | JwtRejected | MissingCredential>({
  name: "registerKey",
  target: "clients",
  method: "POST",
  path: "/auth/jwk",
  token: "required",
  json: (jwk) => ({ jwk }),
  refine: rejected
})

const postDeviceJwt = run<
  string,
  { readonly auth_token: Redacted.Redacted<string> },
  Redacted.Redacted<string>,
  CommonError | JwtRejected
>({
  name: "exchangeJwt",
  target: "clients",
  method: "POST",
  path: "/auth/token",
  token: "never",
  json: (jwt) => ({ jwt }),
  secrets: (jwt) => [jwt],
  success: Schema.Struct({ auth_token: Secret }),
  extract: (body) => body.auth_token,
  refine: rejected
})

const PublishedKey = Schema.Struct({
  kty: Schema.String,
  crv: Schema.optional(Schema.String),
  x: Schema.optional(Schema.String),
  kid: Schema.optional(Schema.String),
  alg: Schema.optional(Schema.String),
  use: Schema.optional(Schema.String)
})

const getKeys = run<
  void,
  { readonly keys: ReadonlyArray<typeof PublishedKey.Type> },
  ReadonlyArray<typeof PublishedKey.Type>,
  CommonError
>({
  name: "getJwtKeys",
  target: "clients",
  method: "GET",
  path: "/auth/keys",
  token: "never",
  success: Schema.Struct({ keys: Schema.Array(PublishedKey) }),
  extract: (body) => body.keys
})

/**
 * Errors of `registerKey`.
 *
 * @since 0.2.0
 * @category errors
 */
export type RegisterError = CommonError | JwtRejected | MissingCredential

/**
 * Registers the key's public half with Plex, once per device, using the
 * classic token in `PlexCredentials` (issued for the same client
 * identifier). Any 2xx is success. A key already registered to another
 * device fails with `JwtRejected` (`thumbprintTaken`). The private key never
 * leaves the process.
 *
 * @since 0.2.0
 * @category operations
 */
export const registerKey = (
  key: DeviceKey
): Effect.Effect<void, RegisterError, HttpClient.HttpClient | PlexCredentials> => postJwk(key.publicJwk)

/**
 * Errors of `exchange` and of building `layer`.
 *
 * @since 0.2.0
 * @category errors
 */
export type ExchangeError = CommonError | JwtRejected | JwtVerificationFailed | InvalidInput

/**
 * Options of `exchange`.
 *
 * @since 0.2.0
 * @category models
 */
export interface ExchangeOptions {
  /** What the Plex JWT may grant; all six by default. */
  readonly scopes?: ReadonlyArray<JwtScope> | undefined
}

type KeySet = { keys: ReadonlyArray<typeof PublishedKey.Type> | undefined }

const checkOf = (error: unknown): JwtVerificationFailed["check"] | "unknownKey" => {
  if (error instanceof jose.errors.JWKSNoMatchingKey) return "unknownKey"
  if (error instanceof jose.errors.JWSSignatureVerificationFailed) return "signature"
  if (error instanceof jose.errors.JWTExpired) return "expiry"
  if (error instanceof jose.errors.JWTClaimValidationFailed) {
    return error.claim === "iss" ? "issuer" : error.claim === "aud" ? "audience" : "issuedAt"
  }
  return "malformed"
}

// Plex's JWTs live 7 days; one issued longer ago than this is refused
// whatever its `exp` says.
const maxTokenAge = "30 days"

// Several published keys can match one token: the same `kid` twice, or a
// token without `kid` during a rotation. Each is tried in turn (jose's way).
const verifyEach = async (token: string, keys: KeySet["keys"], options: jose.JWTVerifyOptions) => {
  try {
    return await jose.jwtVerify(token, jose.createLocalJWKSet({ keys: (keys ?? []) as Array<jose.JWK> }), options)
  } catch (error) {
    if (!(error instanceof jose.errors.JWKSMultipleMatchingKeys)) throw error
    for await (const candidate of error) {
      try {
        return await jose.jwtVerify(token, candidate, options)
      } catch (failure) {
        if (!(failure instanceof jose.errors.JWSSignatureVerificationFailed)) throw failure
      }
    }
    throw new jose.errors.JWSSignatureVerificationFailed()
  }
}

const verifyWith = (keys: KeySet["keys"], token: string, nowMillis: number) =>
  Effect.tryPromise({
    try: () =>
      verifyEach(token, keys, {
        issuer: "plex.tv",
        currentDate: new Date(nowMillis),
        algorithms: ["EdDSA", "Ed25519"],
        maxTokenAge
      }),
    catch: checkOf
  })

// The largest time a JavaScript date can hold, in seconds.
const maxDateSeconds = 8.64e12

const isDateSeconds = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= maxDateSeconds

const audience = (aud: unknown): ReadonlyArray<string> =>
  typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === "string") : []

// The returned token is checked before anyone may use it: by a key Plex
// publishes (fetched again once when its `kid` is unknown, since Plex rotates
// them), by issuer and audience, by the key it was issued for, and by time.
const verify = (
  operation: string,
  token: Redacted.Redacted<string>,
  key: DeviceKey,
  clientIdentifier: string,
  keySet: KeySet
): Effect.Effect<PlexJwtClaims, JwtVerificationFailed | CommonError, HttpClient.HttpClient | PlexCredentials> =>
  Effect.gen(function*() {
    const failed = (check: JwtVerificationFailed["check"]) => new JwtVerificationFailed({ operation, check })
    const now = yield* Clock.currentTimeMillis
    if (keySet.keys === undefined) keySet.keys = yield* getKeys()
    const value = Redacted.value(token)
    const first = yield* Effect.either(verifyWith(keySet.keys, value, now))
    let result = first
    if (first._tag === "Left" && first.left === "unknownKey") {
      keySet.keys = yield* getKeys()
      result = yield* Effect.either(verifyWith(keySet.keys, value, now))
    }
    if (result._tag === "Left") return yield* failed(result.left)
    const payload = result.right.payload
    const aud = audience(payload.aud)
    // python-plexapi takes either audience, @ctrl/plex wants both; the thumbprint binds the token to our key.
    if (!aud.includes("plex.tv") && !aud.includes(clientIdentifier)) return yield* failed("audience")
    if (payload["thumbprint"] !== key.kid) return yield* failed("thumbprint")
    if (!isDateSeconds(payload.exp) || !isDateSeconds(payload.iat)) return yield* failed("malformed")
    if (payload.iat * 1000 > now + 60_000) return yield* failed("issuedAt")
    return new PlexJwtClaims({
      iss: "plex.tv",
      aud,
      thumbprint: key.kid,
      scope: typeof payload["scope"] === "string" ? payload["scope"] : undefined,
      iat: payload.iat,
      exp: payload.exp
    })
  })

const toPlexJwt = (token: Redacted.Redacted<string>, claims: PlexJwtClaims, asked: ReadonlyArray<string>) =>
  new PlexJwt({
    token,
    expiresAt: DateTime.unsafeMake(claims.exp * 1000),
    scopes: claims.scope === undefined || claims.scope === "" ? [...asked] : claims.scope.split(","),
    claims
  })

/**
 * Verifies a Plex JWT obtained some other way (the JWT PIN flow's token) as
 * `exchange` verifies its own: signature by a published key, issuer,
 * audience, the key it was issued for, and time.
 *
 * @since 0.2.0
 * @category operations
 */
export const verifyToken = (
  token: Redacted.Redacted<string>,
  key: DeviceKey
): Effect.Effect<PlexJwt, JwtVerificationFailed | CommonError, HttpClient.HttpClient | PlexCredentials> =>
  Effect.flatMap(PlexCredentials, (credentials) =>
    Effect.map(
      verify("verifyToken", token, key, credentials.clientIdentifier, { keys: undefined }),
      (claims) => toPlexJwt(token, claims, [])
    )).pipe(Effect.withSpan("plex.verifyToken"))

const exchangeWith = (
  key: DeviceKey,
  options: ExchangeOptions,
  keySet: KeySet
): Effect.Effect<PlexJwt, ExchangeError, HttpClient.HttpClient | PlexCredentials> =>
  Effect.gen(function*() {
    const scopes = options.scopes ?? allScopes
    if (scopes.length === 0) {
      return yield* new InvalidInput({ operation: "exchange", field: "scopes", reason: "is empty" })
    }
    const credentials = yield* PlexCredentials
    const nonce = yield* deviceJwt.fetchNonce()
    const now = yield* Clock.currentTimeMillis
    const signed = yield* deviceJwt.sign("exchange", key, credentials.clientIdentifier, {
      nonce,
      scope: scopes.join(",")
    }, now)
    const token = yield* postDeviceJwt(signed)
    const claims = yield* verify("exchange", token, key, credentials.clientIdentifier, keySet)
    return toPlexJwt(token, claims, scopes)
  }).pipe(Effect.withSpan("plex.exchange"))

/**
 * Trades a device JWT for a Plex JWT: fetches a nonce, signs a device JWT
 * (`nonce`, `scope`, `aud: "plex.tv"`, `iss` = the client identifier, `iat`,
 * `exp` 5 minutes later, `kid` in the header), exchanges it, and verifies
 * what comes back against Plex's published keys before handing it out.
 *
 * @since 0.2.0
 * @category operations
 */
export const exchange = (
  key: DeviceKey,
  options: ExchangeOptions = {}
): Effect.Effect<PlexJwt, ExchangeError, HttpClient.HttpClient | PlexCredentials> =>
  exchangeWith(key, options, { keys: undefined })

/**
 * Options of `layer`.
 *
 * @since 0.2.0
 * @category models
 */
export interface LayerOptions extends ExchangeOptions {
  /** The registered device key. */
  readonly key: DeviceKey
  /** How long before expiry the token is renewed. Default 1 day; at most half the token's lifetime. */
  readonly refreshWithin?: Duration.DurationInput | undefined
  /** When a renewal that failed transiently is tried again. Default `Retry.transient`. */
  readonly schedule?: Retry.Policy | undefined
  /**
   * A Plex JWT kept from an earlier run: used instead of an exchange when the
   * layer is built, while it is valid and not yet due for renewal (a due one
   * is renewed then, and still used if that fails).
   */
  readonly initial?: PlexJwt | undefined
  /** Runs after each exchange, with the new token: to keep it for the next run. */
  readonly onRenewed?: ((jwt: PlexJwt) => Effect.Effect<void>) | undefined
}

// After a renewal failed, or Plex answered 498 to a token it had just
// issued, no renewal starts for this long: a stampede of calls must not each
// run the whole retry schedule, nor each run an exchange.
const renewalBackoff = Duration.toMillis("1 minute")

// What a call sees when its token has expired and could not be renewed: the
// renewal's own failure when it is one every operation has, else TokenExpired.
const asCallError = (error: ExchangeError): CommonError => {
  switch (error._tag) {
    case "JwtRejected":
    case "JwtVerificationFailed":
    case "InvalidInput":
      return new TokenExpired({ operation: error.operation, status: 498, errors: [], renewal: error.message })
    default:
      return error
  }
}

// Its life as the claims state it, ending at `expiresAt`.
const timesOf = (jwt: PlexJwt) => {
  const expiresAt = DateTime.toEpochMillis(jwt.expiresAt)
  return { token: jwt.token, issuedAt: expiresAt - (jwt.claims.exp - jwt.claims.iat) * 1000, expiresAt }
}

/**
 * Credentials whose token is a Plex JWT, kept valid for as long as the layer
 * lives. It takes the caller's `PlexCredentials` (identity, URLs) and:
 * - exchanges a token when built;
 * - renews it `refreshWithin` before expiry (at most half the token's
 *   lifetime), once however many calls run at once, in a fiber of the
 *   layer's own: a caller's deadline or interruption never cancels it, and
 *   calls go on with the current token while it runs;
 * - renews it on a 498 from any operation, and sends that call once more.
 *
 * A renewal that fails transiently is retried under `schedule`. While the
 * old token is valid, calls go on with it; once it has expired, the
 * renewal's failure is the call's error. After a failed renewal, and after a
 * 498 for a token issued less than a minute ago, no renewal starts for a
 * minute.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: LayerOptions
): Layer.Layer<PlexCredentials, ExchangeError, HttpClient.HttpClient | PlexCredentials> =>
  Layer.scoped(PlexCredentials, make(options))

/**
 * The service `layer` provides. Its renewals run in the given `Scope`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: LayerOptions
): Effect.Effect<PlexCredentialsService, ExchangeError, HttpClient.HttpClient | PlexCredentials | Scope.Scope> =>
  Effect.gen(function*() {
    const base = yield* PlexCredentials
    const context = yield* Effect.context<HttpClient.HttpClient | PlexCredentials>()
    const keySet: KeySet = { keys: undefined }
    const exchangeOnce = exchangeWith(options.key, options, keySet).pipe(
      Effect.retry({ schedule: options.schedule ?? Retry.transient, while: Retry.isTransient }),
      Effect.tap(options.onRenewed ?? (() => Effect.void)),
      Effect.provide(context),
      Effect.withSpan("plex.renewJwt")
    )
    const refreshWithin = Duration.toMillis(options.refreshWithin ?? "1 day")
    const now = yield* Clock.currentTimeMillis
    const kept = options.initial !== undefined && now < timesOf(options.initial).expiresAt ? options.initial : undefined
    // A kept token already due for renewal is renewed now, so a short-lived
    // program keeps the new one; while it is valid, a failure leaves it in use.
    const initial = kept === undefined
      ? yield* exchangeOnce
      : now < refreshAt(timesOf(kept), refreshWithin)
      ? kept
      : yield* Effect.catchAll(exchangeOnce, (error) =>
        Effect.as(
          Effect.logWarning(`Plex JWT renewal failed; the kept token is used until it expires: ${error.message}`),
          kept
        ))
    const renewal = yield* makeRenewal({
      initial,
      initialArrivedAt: initial === kept ? 0 : now,
      times: timesOf,
      renew: Effect.mapError(exchangeOnce, asCallError),
      refreshWithin,
      backoff: renewalBackoff,
      onFailedWhileValid: (error) =>
        Effect.logWarning(`Plex JWT renewal failed; the current token is used until it expires: ${error.message}`)
    })
    return { ...base, token: Option.some(initial.token), renewal }
  })
