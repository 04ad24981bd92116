/**
 * A stable `X-Plex-Client-Identifier`: generated once, kept in the XDG config
 * directory with mode 0600, and the same on every run. Plex keys "Authorized
 * Devices" and "new device" notifications on it, so a fresh identifier per run
 * spams the server owner.
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { keptDirectory } from "./internal/keptFiles.js"
import * as KeptFile from "./KeptFile.js"

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

// A UUID is 36 characters; a file much larger is not an identifier.
const maxBytes = 4096

/**
 * Reads the kept identifier, or creates and keeps a new UUID. Concurrent
 * first use, in one process or several, agrees on one identifier (see
 * `KeptFile.createOnce`). A symbolic link, a FIFO or any other file that is
 * not a regular one in its place is refused, never followed or opened.
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
    const path = yield* Path.Path
    const directory = yield* keptDirectory(options)
    const file = path.join(directory, "client-identifier")
    const identifierIn = (kept: Option.Option<KeptFile.Kept>) =>
      Option.getOrElse(Option.map(kept, (k) => k.text.trim()), () => "")
    return yield* Effect.gen(function*() {
      const kept = yield* KeptFile.read(file, { maxBytes })
      if (identifierIn(kept) !== "") return { clientIdentifier: identifierIn(kept), file }
      const fresh = `${crypto.randomUUID()}\n`
      if (Option.isNone(kept)) {
        return {
          clientIdentifier: identifierIn(Option.some(yield* KeptFile.createOnce(file, fresh, { maxBytes }))),
          file
        }
      }
      // An empty file (an older version's, cut short) is replaced, and read back: the last writer wins.
      yield* KeptFile.replace(file, fresh)
      return { clientIdentifier: identifierIn(yield* KeptFile.read(file, { maxBytes })), file }
    }).pipe(Effect.mapError((error) => new ClientIdentityError({ file, reason: error.reason })))
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ClientIdentityOptions = {}
): Layer.Layer<ClientIdentity, ClientIdentityError | ConfigError.ConfigError, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(ClientIdentity, make(options))
