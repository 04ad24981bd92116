/**
 * What the commands print: a short table for people, or one JSON document
 * with `--json`. Tokens are shown only when asked for (`--show-token`).
 */
import type { HomeUser } from "@effect-plex/client/Home"
import type { DeviceKey, PlexJwt } from "@effect-plex/client/Jwt"
import type { Resource } from "@effect-plex/client/Resource"
import type { ConnectedServer, Probe } from "@effect-plex/client/ServerConnection"
import type { SourceDevice } from "@effect-plex/client/SourceConnection"
import type { TransientToken } from "@effect-plex/client/TransientToken"
import type { UserPlexAccount } from "@effect-plex/client/UserPlexAccount"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { json, visible } from "./SafeText.js"

export interface OutputFlags {
  readonly json: boolean
  readonly showToken: boolean
  /** With `json`: gather each result here instead of printing it, to print one document at the end. */
  readonly collect?: Array<Record<string, unknown>> | undefined
}

const tokenText = (token: Redacted.Redacted<string>, flags: OutputFlags) =>
  flags.showToken
    ? Redacted.value(token)
    : `******** (${Redacted.value(token).length} characters; --show-token prints it)`

// Titles and values hold what servers sent: each is made visible here.
const table = (title: string, rows: ReadonlyArray<readonly [string, string]>) => {
  const shown = rows.map(([k, v]) => [visible(k), visible(v)] as const)
  const width = Math.max(...shown.map(([k]) => k.length))
  return [visible(title), ...shown.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join("\n")
}

const orDash = (value: Option.Option<string>) => Option.getOrElse(value, () => "-")

/** Prints one result: `human` for people, `machine` (plus the token when asked) for `--json`. */
const emit = (
  flags: OutputFlags,
  human: string,
  machine: Record<string, unknown>,
  token: Redacted.Redacted<string>
) => {
  if (!flags.json) return Console.log(human)
  const document = flags.showToken ? { ...machine, token: Redacted.value(token) } : machine
  if (flags.collect === undefined) return Console.log(json(document))
  return Effect.sync(() => void flags.collect!.push(document))
}

export const account = (flags: OutputFlags, heading: string, value: UserPlexAccount) =>
  emit(
    flags,
    table(heading, [
      ["id", String(value.id)],
      ["uuid", value.uuid],
      ["username", orDash(value.username)],
      ["email", orDash(value.email)],
      ["plex pass", Option.match(value.subscription, { onNone: () => "no", onSome: (s) => (s.active ? "yes" : "no") })],
      ["two-factor", value.twoFactorEnabled ? "on" : "off"],
      ["token", tokenText(value.authToken, flags)]
    ]),
    {
      id: value.id,
      uuid: value.uuid,
      username: Option.getOrNull(value.username),
      email: Option.getOrNull(value.email),
      title: Option.getOrNull(value.title),
      plexPass: Option.match(value.subscription, { onNone: () => false, onSome: (s) => s.active }),
      twoFactorEnabled: value.twoFactorEnabled
    },
    value.authToken
  )

export const jwt = (flags: OutputFlags, heading: string, key: DeviceKey, value: PlexJwt) =>
  emit(
    flags,
    table(heading, [
      ["device key", key.kid],
      ["expires", DateTime.formatIso(value.expiresAt)],
      ["scopes", value.scopes.join(", ")],
      ["token", tokenText(value.token, flags)]
    ]),
    { kind: "jwt", kid: key.kid, expiresAt: DateTime.formatIso(value.expiresAt), scopes: value.scopes },
    value.token
  )

export const transientToken = (flags: OutputFlags, value: TransientToken) =>
  emit(
    flags,
    table("Transient token (valid up to 48 hours, until the server restarts)", [[
      "token",
      tokenText(value.token, flags)
    ]]),
    { kind: "transient" },
    value.token
  )

export const device = (flags: OutputFlags, value: SourceDevice) =>
  emit(
    flags,
    table(`Source ${orDash(value.name)} (${value.clientIdentifier})`, [
      ["access token", tokenText(value.accessToken, flags)],
      ...value.connections.map((c, i) =>
        [`connection ${i + 1}`, `${c.uri}${c.local ? "  local" : ""}${c.relay ? "  relay" : ""}`] as const
      )
    ]),
    {
      name: Option.getOrNull(value.name),
      clientIdentifier: value.clientIdentifier,
      connections: value.connections.map((c) => ({ uri: c.uri, local: c.local, relay: c.relay }))
    },
    value.accessToken
  )

const kind = (probe: Probe) => (probe.connection.relay ? "relay" : probe.connection.local ? "local" : "remote")

const outcome = (probe: Probe) =>
  Option.match(probe.latency, {
    onSome: (latency) => `${Math.round(Duration.toMillis(latency))} ms`,
    onNone: () => Option.getOrElse(probe.failure, () => "not needed (interrupted)")
  })

/** One line per server and candidate: the chosen connection, and each probe's latency or failure. */
export const servers = (
  flags: OutputFlags,
  results: ReadonlyArray<readonly [Resource, Either.Either<ConnectedServer, { readonly message: string }>]>
) =>
  flags.json
    ? Console.log(json(results.map(([resource, result]) => ({
      name: Option.getOrNull(resource.name),
      clientIdentifier: resource.clientIdentifier,
      chosen: Either.match(result, { onLeft: () => null, onRight: (c) => c.connection.uri }),
      error: Either.match(result, { onLeft: (e) => e.message, onRight: () => null }),
      candidates: Either.match(result, {
        onLeft: () => [],
        onRight: (c) =>
          c.probes.map((p) => ({
            uri: p.connection.uri,
            kind: kind(p),
            latencyMs: Option.getOrNull(Option.map(p.latency, Duration.toMillis)),
            failure: Option.getOrNull(p.failure)
          }))
      })
    }))))
    : Console.log(
      results.map(([resource, result]) =>
        Either.match(result, {
          onLeft: (error) => visible(`${orDash(resource.name)}: no connection (${error.message})`),
          onRight: (connected) =>
            table(
              `${orDash(resource.name)} (${resource.clientIdentifier}) via ${connected.connection.uri}`,
              connected.probes.map((p) =>
                [
                  `${p.connection.uri === connected.connection.uri ? "* " : "  "}${kind(p)}`,
                  `${p.connection.uri}  ${outcome(p)}`
                ] as const
              )
            )
        })
      ).join("\n\n") || "No servers."
    )

/** The users of a Plex Home, one a line. */
export const homeUsers = (flags: OutputFlags, users: ReadonlyArray<HomeUser>) =>
  flags.json
    ? Console.log(json(users.map((u) => ({
      uuid: u.uuid,
      title: Option.getOrNull(u.title),
      username: Option.getOrNull(u.username),
      admin: u.admin,
      protected: u.protected,
      restricted: u.restricted,
      managed: Option.isNone(u.email)
    }))))
    : Console.log(
      users.length === 0 ? "No Home users." : table(
        "Plex Home",
        users.map((u) =>
          [
            orDash(u.title),
            [u.admin ? "admin" : "", u.protected ? "PIN" : "", u.restricted ? "restricted" : "", u.uuid]
              .filter((s) => s !== "").join("  ")
          ] as const
        )
      )
    )
