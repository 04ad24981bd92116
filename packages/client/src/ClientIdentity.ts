/**
 * A stable `X-Plex-Client-Identifier`: generated once, kept in the XDG config
 * directory with mode 0600, and the same on every run. Plex keys "Authorized
 * Devices" and "new device" notifications on it, so a fresh identifier per run
 * spams the server owner.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { describePlatformError as describe, keptDirectory } from "./internal/keptFiles.js"

/**
 * The identifier's file could not be read or created: the message names the
 * path and what the system said, in one line.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClientIdentityError extends Schema.TaggedError<ClientIdentityError>(
  "@effect-plex/client/ClientIdentityError"
)("ClientIdentityError", { file: Schema.String, reason: Schema.String }) {
  override get message(): string {
    return `${this.file} is not usable as the client identifier file: ${this.reason}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ClientIdentityService {
  readonly clientIdentifier: string
  /** The file it is kept in. */
  readonly file: string
}

/**
 * @since 0.1.0
 * @category context
 */
export class ClientIdentity extends Context.Tag("@effect-plex/client/ClientIdentity")<
  ClientIdentity,
  ClientIdentityService
>() {}

/**
 * Options of `make` and `layer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientIdentityOptions {
  /** The folder under the config directory. Default `effect-plex`. */
  readonly appName?: string | undefined
  /** Use this folder instead of `$XDG_CONFIG_HOME/<appName>` (default `~/.config/<appName>`). */
  readonly directory?: string | undefined
}

/**
 * Reads the kept identifier, or creates and keeps a new UUID.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: ClientIdentityOptions = {}
): Effect.Effect<
  ClientIdentityService,
  ClientIdentityError | ConfigError.ConfigError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const directory = yield* keptDirectory(options)
    const file = path.join(directory, "client-identifier")
    return yield* Effect.gen(function*() {
      if (yield* fs.exists(file)) {
        const kept = (yield* fs.readFileString(file)).trim()
        if (kept.length > 0) return { clientIdentifier: kept, file }
      }
      const clientIdentifier = crypto.randomUUID()
      yield* fs.makeDirectory(directory, { recursive: true, mode: 0o700 })
      yield* fs.writeFileString(file, `${clientIdentifier}\n`, { mode: 0o600 })
      yield* fs.chmod(file, 0o600)
      return { clientIdentifier, file }
    }).pipe(Effect.mapError((error) => new ClientIdentityError({ file, reason: describe(error) })))
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ClientIdentityOptions = {}
): Layer.Layer<ClientIdentity, ClientIdentityError | ConfigError.ConfigError, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(ClientIdentity, make(options))
