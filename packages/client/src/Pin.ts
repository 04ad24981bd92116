/**
 * The plex.tv PIN (`AuthPinContainer`) of the PIN login flow: created by
 * `POST /pins`, polled with `GET /pins/{id}` until `authToken` is set.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as deviceJwt from "./internal/deviceJwt.js"
import { run } from "./internal/pipeline.js"
import {
  BoolLike,
  boolWithDefault,
  IntLike,
  NonEmptySecret,
  optionalOption,
  StringLike,
  Timestamp
} from "./internal/schemas.js"
import type { DeviceKey } from "./Jwt.js"
import { PlexCredentials } from "./PlexCredentials.js"
import {
  BodyError,
  type CommonError,
  type InvalidInput,
  type MissingCredential,
  PinExpired,
  PinNotClaimed,
  PinNotFound,
  SchemaIssue,
  type StatusError
} from "./PlexError.js"
import * as Retry from "./Retry.js"

/**
 * Where plex.tv thinks the client is. Keys keep their wire (snake_case) names.
 *
 * @since 0.1.0
 * @category schemas
 */
export class PinLocation extends Schema.Class<PinLocation>("@effect-plex/client/PinLocation")({
  code: optionalOption(Schema.String),
  continent_code: optionalOption(Schema.String),
  country: optionalOption(Schema.String),
  city: optionalOption(Schema.String),
  time_zone: optionalOption(Schema.String),
  postal_code: optionalOption(StringLike),
  subdivisions: optionalOption(Schema.String),
  coordinates: optionalOption(Schema.String),
  european_union_member: boolWithDefault(false),
  in_privacy_restricted_country: boolWithDefault(false),
  in_privacy_restricted_region: boolWithDefault(false)
}) {}

/**
 * A PIN. `authToken` is `Option.none()` until the user approves it.
 *
 * @since 0.1.0
 * @category schemas
 */
export class Pin extends Schema.Class<Pin>("@effect-plex/client/Pin")({
  id: IntLike,
  code: Schema.String,
  product: optionalOption(Schema.String),
  trusted: boolWithDefault(false),
  qr: optionalOption(Schema.String),
  clientIdentifier: optionalOption(Schema.String),
  location: optionalOption(PinLocation),
  expiresIn: optionalOption(IntLike),
  createdAt: optionalOption(Timestamp),
  expiresAt: optionalOption(Timestamp),
  authToken: optionalOption(NonEmptySecret),
  newRegistration: optionalOption(BoolLike)
}) {}

/**
 * @since 0.1.0
 * @category errors
 */
export type PinError = CommonError | PinNotFound | PinExpired | PinNotClaimed | InvalidInput

/**
 * Options of `createPin`.
 *
 * @since 0.2.0
 * @category models
 */
export interface CreatePinOptions {
  /** A long code for the Auth App URL (the default), or the 4-character code typed at plex.tv/link. */
  readonly strong?: boolean | undefined
  /**
   * A device key (`Jwt.generateKey`): the JWT PIN flow. The PIN is created at
   * clients.plex.tv with the key's public half, polling proves the device
   * holds the key, and the token it yields is a Plex JWT. No classic token
   * is needed.
   */
  readonly key?: DeviceKey | undefined
}

const createClassicPin = run<boolean, Pin, Pin, CommonError>({
  name: "createPin",
  target: "plex.tv",
  method: "POST",
  path: "/pins",
  token: "never",
  query: (strong) => [["strong", String(strong)]],
  success: Pin
})

const createJwtPin = run<{ readonly strong: boolean; readonly key: DeviceKey }, Pin, Pin, CommonError>({
  name: "createPin",
  target: "clients",
  method: "POST",
  path: "/pins",
  token: "never",
  json: ({ key, strong }) => ({ jwk: key.publicJwk, strong }),
  success: Pin
})

// The key a PIN of the JWT flow was created with, which its polls sign with.
const jwtPins = new WeakMap<Pin, DeviceKey>()

/**
 * `POST {plex.tv}/pins`. A strong PIN (the default) is for the Auth App URL;
 * a short one (`strong: false`) is the 4-character code typed at plex.tv/link.
 * With `key`, the JWT PIN flow: `POST {clients}/pins` with `{ jwk, strong }`,
 * and `poll` and `waitForToken` then sign each poll with the key.
 *
 * @since 0.1.0
 * @category operations
 */
export const createPin = (
  options: CreatePinOptions = {}
): Effect.Effect<Pin, CommonError, HttpClient.HttpClient | PlexCredentials> => {
  const strong = options.strong ?? true
  const key = options.key
  if (key === undefined) return createClassicPin(strong)
  return Effect.tap(createJwtPin({ strong, key }), (pin) => void jwtPins.set(pin, key))
}

// plex.tv answers 404 (code 1020) for a PIN it does not know, or no longer.
const pinNotFound = (error: StatusError, pinId: number) =>
  error.status === 404 ? new PinNotFound({ operation: error.operation, pinId }) : undefined

/**
 * `GET {plex.tv}/pins/{id}`: the PIN as it is now; `authToken` is set once
 * the user has approved it. A 404 (Plex code 1020) is `PinNotFound`.
 *
 * @since 0.1.0
 * @category operations
 */
export const getPin: (
  id: number
) => Effect.Effect<Pin, CommonError | PinNotFound, HttpClient.HttpClient | PlexCredentials> = run({
  name: "getPin",
  target: "plex.tv",
  method: "GET",
  path: (id: number) => `/pins/${encodeURIComponent(String(id))}`,
  token: "never",
  success: Pin,
  refine: (error, id) => pinNotFound(error, id)
})

const getJwtPin = run<{ readonly id: number; readonly deviceJwt: string }, Pin, Pin, CommonError | PinNotFound>({
  name: "getPin",
  target: "clients",
  method: "GET",
  path: ({ id }) => `/pins/${encodeURIComponent(String(id))}`,
  token: "never",
  query: ({ deviceJwt }) => [["deviceJWT", deviceJwt]],
  secrets: ({ deviceJwt }) => [deviceJwt],
  success: Pin,
  refine: (error, { id }) => pinNotFound(error, id)
})

// A poll of a JWT PIN carries a device JWT signed with the PIN's key, over a
// fresh nonce; as python-plexapi does, one serves every poll while it lives.
const pinFetcher = (pin: Pin, given: DeviceKey | undefined) => {
  const key = given ?? jwtPins.get(pin)
  if (key === undefined) return getPin(pin.id)
  let signed: { readonly jwt: string; readonly renewAt: number } | undefined
  return Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    if (signed === undefined || now >= signed.renewAt) {
      const { clientIdentifier } = yield* PlexCredentials
      const nonce = yield* deviceJwt.fetchNonce()
      const jwt = yield* deviceJwt.sign("getPin", key, clientIdentifier, {
        nonce,
        scope: deviceJwt.allScopes.join(",")
      }, now)
      signed = { jwt, renewAt: now + deviceJwt.deviceJwtLifetime - 30_000 }
    }
    return yield* getJwtPin({ id: pin.id, deviceJwt: signed.jwt })
  })
}

/**
 * `PUT {plex.tv}/pins/link`: approves, for the signed-in account, the code
 * another device shows (the 4-character code of plex.tv/link, from
 * `createPin({ strong: false })` on a TV, say). That device's wait then ends
 * with a token of this account. Sent as the product `Plex SSO`, as
 * python-plexapi and @ctrl/plex send it. The code is kept out of every
 * error. A code Plex does not know, or no longer, is `UnexpectedStatus` 404.
 *
 * @example
 * ```ts
 * import * as Pin from "@effect-plex/client/Pin"
 *
 * // The user typed the code their TV shows.
 * const approve = (code: string) => Pin.link(code)
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const link: (
  code: string
) => Effect.Effect<void, CommonError | MissingCredential | InvalidInput, HttpClient.HttpClient | PlexCredentials> = run(
  {
    name: "linkPin",
    target: "plex.tv",
    method: "PUT",
    path: "/pins/link",
    token: "required",
    headers: { "X-Plex-Product": "Plex SSO" },
    form: (code: string) => [["code", code]],
    secrets: (code) => [code]
  }
)

/**
 * Options of `authAppUrl`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthAppUrlOptions {
  /** Where the Auth App sends the user once they approve. */
  readonly forwardUrl?: string | undefined
}

/**
 * The Auth App URL for a PIN: open it in the user's browser, then wait for
 * the token. Parameters go in the fragment, as the Auth App expects.
 *
 * @since 0.1.0
 * @category constructors
 */
export const authAppUrl = (pin: Pin, options: AuthAppUrlOptions = {}): Effect.Effect<string, never, PlexCredentials> =>
  Effect.map(PlexCredentials, (credentials) => {
    const params: Array<[string, string]> = [
      ["clientID", credentials.clientIdentifier],
      ["code", pin.code],
      ["context[device][product]", credentials.product],
      ...(options.forwardUrl === undefined ? [] : [["forwardUrl", options.forwardUrl] as [string, string]])
    ]
    return `https://app.plex.tv/auth#?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`
  })

/**
 * Options of `poll` and `waitForToken`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PollOptions<R = never> {
  /** When to poll; every second by default, as Plex asks. */
  readonly schedule?: Schedule.Schedule<unknown, unknown, R> | undefined
  /** Runs after each poll, e.g. to show progress. */
  readonly onPoll?: ((pin: Pin) => Effect.Effect<void, never, R>) | undefined
  /**
   * The device key of a JWT PIN, to sign the polls with. Needed only when the
   * PIN did not come from `createPin({ key })` in this process (one read back
   * from storage, say).
   */
  readonly key?: DeviceKey | undefined
}

/**
 * How long a PIN that states neither `expiresAt` nor `expiresIn` is waited
 * for: the longest life Plex's published PINs show (strong ones, 1800 s).
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultPinLifetime: Duration.Duration = Duration.minutes(30)

// When the PIN expires: its latest `expiresAt`, else `expiresIn` counted from
// its `createdAt` or from when the wait began, else the default lifetime.
const expiryOf = (pin: Pin, waitStarted: number): number =>
  Option.match(pin.expiresAt, {
    onSome: DateTime.toEpochMillis,
    onNone: () =>
      Option.getOrElse(Option.map(pin.createdAt, DateTime.toEpochMillis), () => waitStarted) +
      Option.match(pin.expiresIn, {
        onNone: () => Duration.toMillis(defaultPinLifetime),
        onSome: (seconds) => seconds * 1000
      })
  })

const expiredError = (pin: Pin) => new PinExpired({ operation: "waitForToken", pinId: pin.id })

// An answer about another PIN, or for another client, is not this PIN's news.
const mismatch = (asked: Pin, answer: Pin, clientIdentifier: string): BodyError | undefined => {
  const issues = [
    answer.id !== asked.id ? "id" : undefined,
    answer.code !== asked.code ? "code" : undefined,
    Option.exists(answer.clientIdentifier, (id) => id !== clientIdentifier) ? "clientIdentifier" : undefined
  ].filter((path) => path !== undefined)
  return issues.length === 0 ? undefined : new BodyError({
    operation: "getPin",
    reason: "SchemaMismatch",
    issues: issues.map((path) => new SchemaIssue({ path, problem: "names another PIN than the one polled" }))
  })
}

// One poll, as the wait sees it. A poll that fails for a passing reason (a
// 503, a 429, a dropped connection) is retried under the usual policy and,
// if it still fails, brings no news: the wait goes on until the PIN expires,
// however long plex.tv is away. A `Retry-After` is waited out before the next
// poll; one that reaches past the PIN's expiry ends the wait with that error.
const makePoller = (pin: Pin, key: DeviceKey | undefined) =>
  Effect.gen(function*() {
    const { clientIdentifier } = yield* PlexCredentials
    let expiresAt = expiryOf(pin, yield* Clock.currentTimeMillis)
    const checkExpiry = Effect.flatMap(
      Clock.currentTimeMillis,
      (now) => now >= expiresAt ? Effect.fail(expiredError(pin)) : Effect.succeed(now)
    )
    const fetchPin = pinFetcher(pin, key)
    const once = Effect.zipRight(
      checkExpiry,
      fetchPin.pipe(
        Retry.withPolicy(Retry.transient),
        Effect.flatMap((answer): Effect.Effect<Option.Option<Pin>, BodyError | PinExpired> => {
          const wrong = mismatch(pin, answer, clientIdentifier)
          if (wrong !== undefined) return Effect.fail(wrong)
          if (Option.isSome(answer.authToken)) return Effect.succeed(Option.some(answer))
          expiresAt = Option.match(answer.expiresAt, { onNone: () => expiresAt, onSome: DateTime.toEpochMillis })
          return Effect.as(checkExpiry, Option.some(answer))
        }),
        Effect.catchIf(Retry.isTransient, (error) =>
          Option.match(Retry.retryAfter(error), {
            onNone: () => Effect.succeed(Option.none<Pin>()),
            onSome: (wait) =>
              Effect.flatMap(
                Clock.currentTimeMillis,
                (now) =>
                  now + Duration.toMillis(wait) >= expiresAt
                    ? Effect.fail(error)
                    : Effect.as(Effect.sleep(wait), Option.none<Pin>())
              )
          }))
      )
    )
    return { once, checkExpiry }
  })

/**
 * The PIN, polled until it carries a token (the last element) or expires
 * (`PinExpired`). A poll that fails transiently is retried, and then skipped;
 * a `Retry-After` (429 or 503) is waited out before the next poll, and one
 * that reaches past the PIN's expiry ends the stream with that error. The
 * expiry is the latest `expiresAt` Plex gave, else `expiresIn` from
 * `createdAt` (or from the first poll), else `defaultPinLifetime`. An answer
 * naming another PIN or client is a `BodyError` (`SchemaMismatch`). The stream ends without a
 * token if `schedule` ends first. Interrupting the stream stops the polling.
 *
 * @since 0.1.0
 * @category operations
 */
export const poll = <R = never>(
  pin: Pin,
  options: PollOptions<R> = {}
): Stream.Stream<Pin, PinError, HttpClient.HttpClient | PlexCredentials | R> =>
  Stream.unwrap(
    Effect.map(makePoller(pin, options.key), (poller) =>
      Stream.repeatEffectWithSchedule(poller.once, options.schedule ?? Schedule.spaced(Duration.seconds(1))))
  )
    .pipe(
      Stream.filterMap((news) =>
        news
      ),
      Stream.tap(options.onPoll ?? (() => Effect.void)),
      Stream.takeUntil((current) => Option.isSome(current.authToken))
    )

/**
 * Waits until the user approves the PIN and returns its token. Bounded by
 * the PIN's `expiresAt` (`PinExpired`); transient poll failures are retried
 * until then. If the caller's `schedule` ends first, it fails with
 * `PinNotClaimed`. Interruptible.
 *
 * @example
 * ```ts
 * import { Console, Effect } from "effect"
 * import * as Pin from "@effect-plex/client/Pin"
 *
 * const login = Effect.gen(function*() {
 *   const pin = yield* Pin.createPin()
 *   yield* Console.log(`Open ${yield* Pin.authAppUrl(pin)}`)
 *   return yield* Pin.waitForToken(pin)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const waitForToken = <R = never>(
  pin: Pin,
  options: PollOptions<R> = {}
): Effect.Effect<Redacted.Redacted<string>, PinError, HttpClient.HttpClient | PlexCredentials | R> =>
  poll(pin, options).pipe(
    Stream.filterMap((current) => current.authToken),
    Stream.runHead,
    Effect.flatMap(Option.match({
      onNone: () =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.fail(
            now >= expiryOf(pin, now)
              ? expiredError(pin)
              : new PinNotClaimed({ operation: "waitForToken", pinId: pin.id })
          )),
      onSome: Effect.succeed
    })),
    Effect.withSpan("plex.waitForToken")
  )
