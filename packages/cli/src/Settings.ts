/**
 * Where the CLI's settings come from, in order: flags, the `PLEX_*`
 * environment variables that `PlexCredentials.config` reads, then the config
 * file. The layers are one `ConfigProvider`, so the variable names live only
 * in the client library.
 *
 * The embedded fake (served on loopback, so the real HTTP path is exercised)
 * is used with `--fake`, and by `demo` when no Plex is configured at all;
 * never silently by any other command.
 */
import * as ClientIdentity from "@effect-plex/client/ClientIdentity"
import type { PlexJwt } from "@effect-plex/client/Jwt"
import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ConfigFile from "./ConfigFile.js"

export interface Flags {
  readonly serverUrl: Option.Option<string>
  readonly plexTvUrl: Option.Option<string>
  readonly clientId: Option.Option<string>
  readonly fake: boolean
}

export interface Settings {
  /** `--fake`, or nothing configured where the command allows it: use the embedded fake. */
  readonly useFake: boolean
  /** `token` is the classic token, from a flag, the environment or the config file. */
  readonly credentials: PlexCredentials.PlexCredentialsOptions
  /** The saved Plex JWT, unless PLEX_TOKEN names a token for this run. */
  readonly jwt: Option.Option<PlexJwt>
}

const entries = (pairs: ReadonlyArray<readonly [string, string | undefined]>) =>
  new Map(pairs.filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== ""))

const layered = (flags: Flags, saved: ConfigFile.SavedSettings) =>
  ConfigProvider.fromMap(entries([
    ["PLEX_SERVER_URL", Option.getOrUndefined(flags.serverUrl)],
    ["PLEX_TV_URL", Option.getOrUndefined(flags.plexTvUrl)],
    ["PLEX_CLIENT_IDENTIFIER", Option.getOrUndefined(flags.clientId)]
  ])).pipe(
    ConfigProvider.orElse(() => ConfigProvider.fromEnv()),
    ConfigProvider.orElse(() =>
      ConfigProvider.fromMap(entries([
        ["PLEX_TOKEN", saved.token === undefined ? undefined : Redacted.value(saved.token)],
        ["PLEX_SERVER_URL", saved.serverUrl],
        ["PLEX_TV_URL", saved.plexTvUrl],
        ["PLEX_CLIENT_IDENTIFIER", saved.clientIdentifier],
        ["PLEX_PRODUCT", "effect-plex CLI"]
      ]))
    )
  )

/** The source the demo asks about on a real server (`PLEX_SOURCE`). */
export const demoSource = Config.option(Config.nonEmptyString("PLEX_SOURCE"))

export const resolve = (flags: Flags, fakeWhenUnconfigured: boolean) =>
  Effect.gen(function*() {
    const saved = yield* ConfigFile.load
    const given = yield* Effect.withConfigProvider(
      Config.option(Config.nonEmptyString("PLEX_CLIENT_IDENTIFIER")),
      layered(flags, saved)
    )
    // Read once with a stand-in identifier, to learn whether a Plex is configured at all.
    const standIn = Option.getOrElse(given, () => "effect-plex-cli")
    const credentials = yield* Effect.withConfigProvider(
      PlexCredentials.config,
      layered({ ...flags, clientId: Option.some(standIn) }, saved)
    )
    const fromEnvironment = yield* Effect.withConfigProvider(
      Config.option(Config.nonEmptyString("PLEX_TOKEN")),
      ConfigProvider.fromEnv()
    )
    const jwt = Option.isNone(fromEnvironment) ? Option.fromNullable(saved.jwt) : Option.none()
    const configured = credentials.token !== undefined || Option.isSome(jwt) || credentials.serverUrl !== undefined ||
      credentials.plexTvUrl !== undefined
    const useFake = flags.fake || (fakeWhenUnconfigured && !configured)
    // One identifier per installation, kept, so Plex sees one device rather
    // than a "new device" on every run. The embedded fake needs none kept.
    const clientIdentifier = Option.isSome(given)
      ? given.value
      : useFake
      ? crypto.randomUUID()
      : (yield* ClientIdentity.make()).clientIdentifier
    return { useFake, credentials: { ...credentials, clientIdentifier }, jwt } satisfies Settings
  })
