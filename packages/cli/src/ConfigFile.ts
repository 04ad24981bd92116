/**
 * The CLI's own settings file, `$XDG_CONFIG_HOME/effect-plex/config.json`
 * (default `~/.config/effect-plex/config.json`). It may hold a token, so it is
 * always written with mode 0600, in a 0700 directory.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

export class SavedSettings extends Schema.Class<SavedSettings>("SavedSettings")({
  /** When absent, the ClientIdentity file supplies it. */
  clientIdentifier: Schema.optional(Schema.String),
  token: Schema.optional(Schema.Redacted(Schema.String)),
  serverUrl: Schema.optional(Schema.String),
  plexTvUrl: Schema.optional(Schema.String)
}) {}

const SettingsJson = Schema.parseJson(SavedSettings)

export const configDirectory = Effect.gen(function*() {
  const path = yield* Path.Path
  const base = process.env["XDG_CONFIG_HOME"] || path.join(process.env["HOME"] ?? ".", ".config")
  return path.join(base, "effect-plex")
})

export const configFile = Effect.flatMap(configDirectory, (dir) => Effect.map(Path.Path, (path) => path.join(dir, "config.json")))

/** The saved settings; a missing file is empty settings, an unreadable one is an error. */
export const load = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const file = yield* configFile
  if (!(yield* fs.exists(file))) return new SavedSettings({})
  const text = yield* fs.readFileString(file)
  return yield* Schema.decodeUnknown(SettingsJson)(text).pipe(
    Effect.mapError(() => new ConfigFileError({ file, reason: "is not valid effect-plex settings JSON" }))
  )
})

export class ConfigFileError extends Schema.TaggedError<ConfigFileError>()("ConfigFileError", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.file} ${this.reason}`
  }
}

/** Merges `changes` into the file, keeping it private to the user. */
export const save = (changes: Partial<ConstructorParameters<typeof SavedSettings>[0]>) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* configDirectory
    const file = yield* configFile
    const current = yield* load
    const next = new SavedSettings({ ...current, ...changes })
    yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
    const text = yield* Schema.encode(SettingsJson)(next)
    yield* fs.writeFileString(file, text + "\n", { mode: 0o600 })
    yield* fs.chmod(file, 0o600)
    return file
  })
