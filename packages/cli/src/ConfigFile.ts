/**
 * The CLI's own settings file, `$XDG_CONFIG_HOME/effect-plex/config.json`
 * (default `~/.config/effect-plex/config.json`). It may hold a token, so it is
 * private from its first byte: written to a new file created with mode 0600,
 * then renamed over the old one (see `KeptFile`).
 */
import { PlexJwt } from "@effect-plex/client/Jwt"
import * as KeptFile from "@effect-plex/client/KeptFile"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { visible } from "./SafeText.js"

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

// Settings are a few hundred bytes; a token and a Plex JWT fit many times over.
const maxBytes = 1024 * 1024

const failed = (file: string) => (error: KeptFile.KeptFileError) =>
  new ConfigFileError({ file, reason: `is not usable: ${error.reason}` })

/** The saved settings; a missing file is empty settings, an unusable one is an error. */
export const load = Effect.gen(function*() {
  const file = yield* configFile
  const kept = yield* KeptFile.read(file, { maxBytes }).pipe(Effect.mapError(failed(file)))
  if (Option.isNone(kept)) return new SavedSettings({})
  const settings = yield* Schema.decodeUnknown(SettingsJson)(kept.value.text).pipe(
    Effect.mapError(() => new ConfigFileError({ file, reason: "is not valid effect-plex settings JSON" }))
  )
  // A token in a file others can read is used, as before, but not in silence.
  const exposed = (kept.value.mode & 0o077) !== 0
  if (exposed && (settings.token !== undefined || settings.jwt !== undefined)) {
    const mode = (kept.value.mode & 0o777).toString(8).padStart(4, "0")
    yield* Console.error(
      visible(`Warning: ${file} holds a token and other users may read it (mode ${mode}): chmod 600 it`)
    )
  }
  return settings
})

/**
 * Fails, naming the path, unless the settings can be saved: checked before
 * signing in, so that a sign-in never ends with a token it cannot keep.
 */
export const ensureWritable = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const file = yield* configFile
  const probe = path.join(path.dirname(file), ".write-check")
  yield* KeptFile.replace(probe, "").pipe(Effect.mapError(failed(file)))
  yield* fs.remove(probe).pipe(Effect.mapError(() => new ConfigFileError({ file, reason: "is not usable" })))
})

/**
 * Merges `changes` into the file, keeping it private to the user: a new file
 * of mode 0600 renamed over the old one, in a directory of the user's own
 * tightened to 0700 (a shared one is left as it is, with a warning).
 */
export const save = (changes: Partial<ConstructorParameters<typeof SavedSettings>[0]>) =>
  Effect.gen(function*() {
    const file = yield* configFile
    const current = yield* load
    const text = yield* Schema.encode(SettingsJson)(new SavedSettings({ ...current, ...changes }))
    yield* KeptFile.replace(file, text + "\n").pipe(Effect.mapError(failed(file)))
    return file
  })
