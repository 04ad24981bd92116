/**
 * The CLI's own settings file, `$XDG_CONFIG_HOME/effect-plex/config.json`
 * (default `~/.config/effect-plex/config.json`). It may hold a token, so it is
 * private from its first byte: written to a new file created with mode 0600,
 * then renamed over the old one, in a directory tightened to 0700.
 */
import { PlexJwt } from "@effect-plex/client/Jwt"
import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

export class SavedSettings extends Schema.Class<SavedSettings>("SavedSettings")({
  /** When absent, the ClientIdentity file supplies it. */
  clientIdentifier: Schema.optional(Schema.String),
  token: Schema.optional(Schema.Redacted(Schema.String)),
  /** A Plex JWT, renewed with the device key kept beside this file (KeyStore); preferred to `token`. */
  jwt: Schema.optional(PlexJwt),
  serverUrl: Schema.optional(Schema.String),
  plexTvUrl: Schema.optional(Schema.String)
}) {}

const SettingsJson = Schema.parseJson(SavedSettings)

export const configDirectory = Effect.gen(function*() {
  const path = yield* Path.Path
  const base = process.env["XDG_CONFIG_HOME"] || path.join(process.env["HOME"] ?? ".", ".config")
  return path.join(base, "effect-plex")
})

export const configFile = Effect.flatMap(
  configDirectory,
  (dir) => Effect.map(Path.Path, (path) => path.join(dir, "config.json"))
)

export class ConfigFileError extends Schema.TaggedError<ConfigFileError>()("ConfigFileError", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.file} ${this.reason}`
  }
}

// One line that names the path and says what the system said.
const failed = (file: string) => (error: PlatformError) =>
  new ConfigFileError({
    file,
    reason: error._tag === "SystemError"
      ? `is not usable: ${error.reason}${error.description === undefined ? "" : ` (${error.description})`}`
      : `is not usable: ${error.message}`
  })

/** The saved settings; a missing file is empty settings, an unreadable one is an error. */
export const load = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const file = yield* configFile
  if (!(yield* fs.exists(file).pipe(Effect.mapError(failed(file))))) return new SavedSettings({})
  const text = yield* fs.readFileString(file).pipe(
    Effect.mapError(() => new ConfigFileError({ file, reason: "cannot be read" }))
  )
  return yield* Schema.decodeUnknown(SettingsJson)(text).pipe(
    Effect.mapError(() => new ConfigFileError({ file, reason: "is not valid effect-plex settings JSON" }))
  )
})

/**
 * Writes `text` to a new file of mode 0600 beside `file`, then renames it over
 * `file`; a failure names `shown`.
 */
const writePrivately = (file: string, text: string, shown = file) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const dir = path.dirname(file)
    yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
    yield* fs.chmod(dir, 0o700)
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomUUID()}.tmp`)
    yield* fs.writeFileString(temp, text, { mode: 0o600, flag: "wx" }).pipe(
      Effect.zipRight(fs.rename(temp, file)),
      Effect.tapError(() => Effect.ignore(fs.remove(temp)))
    )
  }).pipe(Effect.mapError(failed(shown)))

/**
 * Fails, naming the path, unless the settings can be saved: checked before
 * signing in, so that a sign-in never ends with a token it cannot keep.
 */
export const ensureWritable = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const file = yield* configFile
  const probe = path.join(path.dirname(file), ".write-check")
  yield* writePrivately(probe, "", file)
  yield* fs.remove(probe).pipe(Effect.mapError(failed(file)))
})

/** Merges `changes` into the file, keeping it private to the user. */
export const save = (changes: Partial<ConstructorParameters<typeof SavedSettings>[0]>) =>
  Effect.gen(function*() {
    const file = yield* configFile
    const current = yield* load
    const text = yield* Schema.encode(SettingsJson)(new SavedSettings({ ...current, ...changes }))
    yield* writePrivately(file, text + "\n")
    return file
  })
