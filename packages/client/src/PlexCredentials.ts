/**
 * Everything a Plex request needs besides the transport: the token, the
 * client's identity headers and where plex.tv and the Plex Media Server are.
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { reveal } from "./internal/secrets.js"
import type { CommonError } from "./PlexError.js"

/**
 * The default plex.tv API base.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPlexTvUrl = "https://plex.tv/api/v2"

/**
 * The default base of Plex's JWT endpoints (`/auth/jwk`, `/auth/nonce`,
 * `/auth/token`, `/auth/keys`) and of the JWT PIN flow.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultClientsUrl = "https://clients.plex.tv/api/v2"

/**
 * The `X-Plex-Product` sent when none is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultProduct = "effect-plex"

/**
 * What `PlexCredentials.make` and `PlexCredentials.layer` take.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlexCredentialsOptions {
  /** `X-Plex-Client-Identifier`: one stable id per installation. Required, and must not be empty. */
  readonly clientIdentifier: string
  /** The `X-Plex-Token`. Sign-in needs none. */
  readonly token?: Redacted.Redacted<string> | string | undefined
  /** `X-Plex-Product`, shown in the user's Authorized Devices. Defaults to `effect-plex`. */
  readonly product?: string | undefined
  /** `X-Plex-Version`. */
  readonly version?: string | undefined
  /** `X-Plex-Platform`, e.g. `Node.js`. */
  readonly platform?: string | undefined
  /** `X-Plex-Platform-Version`. */
  readonly platformVersion?: string | undefined
  /** `X-Plex-Device`, the device type. */
  readonly device?: string | undefined
  /** `X-Plex-Device-Name`, a friendly name. Any Unicode text; it is sent as UTF-8. */
  readonly deviceName?: string | undefined
  /** The Plex Media Server base URL, e.g. `http://192.168.1.10:32400`. Only the PMS operations need it. */
  readonly serverUrl?: string | URL | undefined
  /** The plex.tv API base. Defaults to `https://plex.tv/api/v2`; tests point it at a fake. */
  readonly plexTvUrl?: string | URL | undefined
  /** The base of Plex's JWT endpoints. Defaults to `https://clients.plex.tv/api/v2`; tests point it at a fake. */
  readonly clientsUrl?: string | URL | undefined
}

/**
 * A value given to `PlexCredentials` that cannot work. Raised when the layer
 * is built, so a bad setting never surfaces mid-request. The offending value
 * is not repeated, since it may be a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>(
  "@effect-plex/client/InvalidCredentials"
)("InvalidCredentials", { field: Schema.String, reason: Schema.String }) {
  override get message(): string {
    return `Invalid PlexCredentials.${this.field}: ${this.reason}`
  }
}

// Header values are byte strings. Plex reads them as UTF-8, and fetch throws
// a raw TypeError on any character above U+00FF, so non-ASCII text is sent as
// its UTF-8 bytes, one Latin-1 character per byte.
const controlCharacter = /[\u0000-\u0008\u000a-\u001f\u007f]/

const headerValueProblem = (value: string): string | undefined => {
  if (controlCharacter.test(value)) return "contains a control character (CR, LF, NUL, …)"
  if (!value.isWellFormed()) return "contains an unpaired UTF-16 surrogate"
  return undefined
}

const encoder = new TextEncoder()

const toHeaderBytes = (value: string): string => {
  if (/^[\u0000-\u007f]*$/.test(value)) return value
  let out = ""
  for (const byte of encoder.encode(value)) out += String.fromCharCode(byte)
  return out
}

const identityHeaders = [
  ["clientIdentifier", "X-Plex-Client-Identifier"],
  ["product", "X-Plex-Product"],
  ["version", "X-Plex-Version"],
  ["platform", "X-Plex-Platform"],
  ["platformVersion", "X-Plex-Platform-Version"],
  ["device", "X-Plex-Device"],
  ["deviceName", "X-Plex-Device-Name"]
] as const

const checkHeader = (field: string, value: string): Effect.Effect<string, InvalidCredentials> => {
  const problem = headerValueProblem(value)
  return problem === undefined
    ? Effect.succeed(toHeaderBytes(value))
    : Effect.fail(new InvalidCredentials({ field, reason: problem }))
}

const checkUrl = (field: string, input: string | URL): Effect.Effect<string, InvalidCredentials> => {
  const fail = (reason: string) => Effect.fail(new InvalidCredentials({ field, reason }))
  const url = URL.canParse(input) ? new URL(input) : undefined
  if (url === undefined) return fail("is not a valid URL")
  if (url.protocol !== "http:" && url.protocol !== "https:") return fail("must be an http or https URL")
  if (url.username !== "" || url.password !== "") return fail("must not carry a user name or password")
  if (url.search !== "" || url.hash !== "") return fail("must not have a query or a fragment")
  return Effect.succeed(url.href.replace(/\/+$/, ""))
}

// A token is sent as it is, so it must be what every transport accepts in a
// header; Plex's tokens (and JWTs) are printable ASCII without spaces.
const checkToken = (token: Redacted.Redacted<string> | string) => {
  const value = reveal(token)
  if (value.length === 0) {
    return Effect.fail(new InvalidCredentials({ field: "token", reason: "is empty" }))
  }
  if (!/^[\x21-\x7e]+$/.test(value)) {
    return Effect.fail(
      new InvalidCredentials({
        field: "token",
        reason: "must be printable ASCII, without spaces or control characters"
      })
    )
  }
  return Effect.succeed(Redacted.isRedacted(token) ? token : Redacted.make(token))
}

/**
 * The validated credentials every operation reads.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlexCredentialsService {
  readonly clientIdentifier: string
  /** `X-Plex-Product`, as given. */
  readonly product: string
  readonly token: Option.Option<Redacted.Redacted<string>>
  /** The PMS base URL, without a trailing slash. */
  readonly serverUrl: Option.Option<string>
  /** The plex.tv API base, without a trailing slash. */
  readonly plexTvUrl: string
  /** The base of Plex's JWT endpoints, without a trailing slash. */
  readonly clientsUrl: string
  /** `Accept: application/json` and the identity headers, encoded for the wire. */
  readonly headers: Headers.Headers
  /**
   * Set by `Jwt.layer`: where a token that changes over time comes from.
   * Every operation that sends a token asks it first, and asks again after
   * a 498.
   */
  readonly renewal?: TokenRenewal | undefined
}

/**
 * A token that is renewed while the program runs (a Plex JWT under
 * `Jwt.layer`). Both effects hand back a token that is valid now.
 *
 * @since 0.2.0
 * @category models
 */
export interface TokenRenewal {
  /** The token to send now; renewed first when it is close to expiry. */
  readonly current: Effect.Effect<Redacted.Redacted<string>, CommonError>
  /** After Plex answered 498 to `stale`: a renewed token. Calls that saw the same expiry share one renewal. */
  readonly expired: (stale: Redacted.Redacted<string>) => Effect.Effect<Redacted.Redacted<string>, CommonError>
}

/**
 * Validates options into a `PlexCredentialsService`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: PlexCredentialsOptions): Effect.Effect<PlexCredentialsService, InvalidCredentials> =>
  Effect.gen(function*() {
    if (options.clientIdentifier.trim().length === 0) {
      return yield* new InvalidCredentials({ field: "clientIdentifier", reason: "is empty" })
    }
    const { token: _token, ...identity } = options
    const product = options.product ?? defaultProduct
    const values: Record<string, string | URL | undefined> = { ...identity, product }
    const headers: Record<string, string> = { accept: "application/json" }
    for (const [field, name] of identityHeaders) {
      const value = values[field]
      if (typeof value === "string") headers[name] = yield* checkHeader(field, value)
    }
    return {
      clientIdentifier: options.clientIdentifier,
      product,
      token: options.token === undefined ? Option.none() : Option.some(yield* checkToken(options.token)),
      serverUrl: options.serverUrl === undefined
        ? Option.none()
        : Option.some(yield* checkUrl("serverUrl", options.serverUrl)),
      plexTvUrl: yield* checkUrl("plexTvUrl", options.plexTvUrl ?? defaultPlexTvUrl),
      clientsUrl: yield* checkUrl("clientsUrl", options.clientsUrl ?? defaultClientsUrl),
      headers: Headers.fromInput(headers)
    }
  })

const optionalString = (name: string) =>
  Config.string(name).pipe(
    Config.option,
    Config.map(Option.filter((s) => s.length > 0)),
    Config.map(Option.getOrUndefined)
  )

/**
 * The environment variables `layerConfig` reads by default. Unset and empty
 * variables count as absent.
 *
 * | variable | option |
 * | --- | --- |
 * | `PLEX_CLIENT_IDENTIFIER` | `clientIdentifier` (required) |
 * | `PLEX_TOKEN` | `token` |
 * | `PLEX_SERVER_URL` | `serverUrl` |
 * | `PLEX_TV_URL` | `plexTvUrl` |
 * | `PLEX_CLIENTS_URL` | `clientsUrl` |
 * | `PLEX_PRODUCT` | `product` |
 * | `PLEX_VERSION` | `version` |
 * | `PLEX_PLATFORM` | `platform` |
 * | `PLEX_PLATFORM_VERSION` | `platformVersion` |
 * | `PLEX_DEVICE` | `device` |
 * | `PLEX_DEVICE_NAME` | `deviceName` |
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<PlexCredentialsOptions> = Config.all({
  clientIdentifier: Config.string("PLEX_CLIENT_IDENTIFIER"),
  token: Config.redacted("PLEX_TOKEN").pipe(
    Config.option,
    Config.map(Option.filter((t) => Redacted.value(t).length > 0)),
    Config.map(Option.getOrUndefined)
  ),
  serverUrl: optionalString("PLEX_SERVER_URL"),
  plexTvUrl: optionalString("PLEX_TV_URL"),
  clientsUrl: optionalString("PLEX_CLIENTS_URL"),
  product: optionalString("PLEX_PRODUCT"),
  version: optionalString("PLEX_VERSION"),
  platform: optionalString("PLEX_PLATFORM"),
  platformVersion: optionalString("PLEX_PLATFORM_VERSION"),
  device: optionalString("PLEX_DEVICE"),
  deviceName: optionalString("PLEX_DEVICE_NAME")
})

/**
 * The credentials every Plex operation requires.
 *
 * @example
 * ```ts
 * import { PlexCredentials } from "@effect-plex/client"
 *
 * const credentials = PlexCredentials.layer({
 *   clientIdentifier: "4b1c1d8e-2f0a-4c52-9a55-3f2d5e3c8a10",
 *   product: "My Plex Tool",
 *   serverUrl: "http://192.168.1.10:32400"
 * })
 * ```
 *
 * @since 0.1.0
 * @category context
 */
export class PlexCredentials extends Context.Tag("@effect-plex/client/PlexCredentials")<
  PlexCredentials,
  PlexCredentialsService
>() {
  /** @deprecated Use the module's `make`. */
  static readonly make = make

  /** @deprecated Use the module's `layer`. */
  static readonly layer = (options: PlexCredentialsOptions): Layer.Layer<PlexCredentials, InvalidCredentials> =>
    layer(options)

  /** @deprecated Use the module's `layerConfig`. */
  static readonly layerConfig = (
    options: Config.Config<PlexCredentialsOptions> = config
  ): Layer.Layer<PlexCredentials, ConfigError.ConfigError | InvalidCredentials> => layerConfig(options)
}

/**
 * A layer from values; fails with `InvalidCredentials` when built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: PlexCredentialsOptions): Layer.Layer<PlexCredentials, InvalidCredentials> =>
  Layer.effect(PlexCredentials, make(options))

/**
 * A layer from `Config`, by default the `PLEX_*` environment variables (see
 * `config`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config<PlexCredentialsOptions> = config
): Layer.Layer<PlexCredentials, ConfigError.ConfigError | InvalidCredentials> =>
  Layer.effect(PlexCredentials, Effect.flatMap(options, make))

/**
 * The current credentials pointed at another Plex Media Server, with its own
 * token: what connecting to a discovered server yields.
 *
 * @since 0.1.0
 * @category constructors
 */
export const forServer = (
  server: { readonly serverUrl: string; readonly token?: Redacted.Redacted<string> | undefined }
): Effect.Effect<PlexCredentialsService, InvalidCredentials, PlexCredentials> =>
  Effect.gen(function*() {
    const credentials = yield* PlexCredentials
    const serverUrl = yield* checkUrl("serverUrl", server.serverUrl)
    if (server.token === undefined) return { ...credentials, serverUrl: Option.some(serverUrl) }
    // A token of its own replaces one that `Jwt.layer` renews.
    return {
      ...credentials,
      serverUrl: Option.some(serverUrl),
      token: Option.some(yield* checkToken(server.token)),
      renewal: undefined
    }
  })

/**
 * Runs `self` with the current credentials but another token: typically the
 * `authToken` that sign-in just returned.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withToken =
  (token: Redacted.Redacted<string> | string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | InvalidCredentials, R | PlexCredentials> =>
    Effect.flatMap(
      Effect.zip(PlexCredentials, checkToken(token)),
      ([credentials, checked]) =>
        Effect.provideService(self, PlexCredentials, {
          ...credentials,
          token: Option.some(checked),
          renewal: undefined
        })
    )
