/**
 * The device key of `Jwt`, kept on disk: `device-key.json` in the same
 * directory as `ClientIdentity`'s identifier, mode 0600. A key that other
 * users can read is no longer private, so such a file is refused, not used.
 *
 * @since 0.2.0
 */
import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ClientIdentityOptions } from "./ClientIdentity.js"
import { keyId } from "./internal/deviceJwt.js"
import { describePlatformError as describe, keptDirectory } from "./internal/keptFiles.js"
import { DeviceKey, generateKey } from "./Jwt.js"

/**
 * The key file cannot be used: it is unreadable or unwritable, it is not a
 * device key (`corrupt`), or other users may read it (`exposed`). The
 * message names the file, never its content.
 *
 * @since 0.2.0
 * @category errors
 */
export class KeyStoreError extends Schema.TaggedError<KeyStoreError>("@effect-plex/client/KeyStoreError")(
  "KeyStoreError",
  { file: Schema.String, problem: Schema.Literal("io", "corrupt", "exposed"), reason: Schema.String }
) {
  override get message(): string {
    return `${this.file} is not usable as the device key file: ${this.reason}`
  }
}

/**
 * Where the key is kept: the same options as `ClientIdentity`.
 *
 * @since 0.2.0
 * @category models
 */
export type KeyStoreOptions = ClientIdentityOptions

const Kept = Schema.parseJson(DeviceKey)

const fileOf = (options: KeyStoreOptions) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const directory = yield* keptDirectory(options)
    return { directory, file: path.join(directory, "device-key.json") }
  })

/**
 * The kept key, or `None` when there is none yet.
 *
 * @since 0.2.0
 * @category constructors
 */
export const load = (
  options: KeyStoreOptions = {}
): Effect.Effect<
  Option.Option<DeviceKey>,
  KeyStoreError | ConfigError.ConfigError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const { file } = yield* fileOf(options)
    const io = (error: PlatformError) => new KeyStoreError({ file, problem: "io", reason: describe(error) })
    if (!(yield* Effect.mapError(fs.exists(file), io))) return Option.none()
    const info = yield* Effect.mapError(fs.stat(file), io)
    if ((info.mode & 0o077) !== 0) {
      return yield* new KeyStoreError({
        file,
        problem: "exposed",
        reason: `other users may read it (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`
      })
    }
    const text = yield* Effect.mapError(fs.readFileString(file), io)
    const corrupt = new KeyStoreError({ file, problem: "corrupt", reason: "it does not hold a device key" })
    const key = yield* Effect.mapError(Schema.decodeUnknown(Kept)(text), () => corrupt)
    if ((yield* keyId(key.privateKey, key.publicJwk.x)) !== key.kid || key.publicJwk.kid !== key.kid) {
      return yield* corrupt
    }
    return Option.some(key)
  })

/**
 * Keeps `key`, replacing any kept one: written to a new file with mode 0600
 * (in a directory with mode 0700), then renamed into place.
 *
 * @since 0.2.0
 * @category constructors
 */
export const save = (
  key: DeviceKey,
  options: KeyStoreOptions = {}
): Effect.Effect<void, KeyStoreError | ConfigError.ConfigError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const { directory, file } = yield* fileOf(options)
    const text = yield* Effect.orDie(Schema.encode(Kept)(key))
    const temporary = `${file}.${crypto.randomUUID()}.tmp`
    yield* Effect.gen(function*() {
      yield* fs.makeDirectory(directory, { recursive: true, mode: 0o700 })
      yield* fs.writeFileString(temporary, `${text}\n`, { mode: 0o600 })
      yield* fs.chmod(temporary, 0o600)
      yield* fs.rename(temporary, file)
    }).pipe(
      Effect.onError(() => Effect.ignore(fs.remove(temporary))),
      Effect.mapError((error) => new KeyStoreError({ file, problem: "io", reason: describe(error) }))
    )
  })

/**
 * The kept key, or a new one (`Jwt.generateKey`), kept before it is returned.
 * A new key still needs `Jwt.registerKey` (or the JWT PIN flow) once.
 *
 * @since 0.2.0
 * @category constructors
 */
export const loadOrCreate = (
  options: KeyStoreOptions = {}
): Effect.Effect<DeviceKey, KeyStoreError | ConfigError.ConfigError, FileSystem.FileSystem | Path.Path> =>
  Effect.flatMap(load(options), (kept) =>
    Option.match(kept, {
      onSome: Effect.succeed,
      onNone: () => Effect.tap(generateKey(), (key) => save(key, options))
    })).pipe(Effect.withSpan("plex.KeyStore.loadOrCreate"))
