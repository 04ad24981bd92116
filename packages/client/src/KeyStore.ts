/**
 * The device key of `Jwt`, kept on disk: `device-key.json` in the same
 * directory as `ClientIdentity`'s identifier, mode 0600. A key that other
 * users can read is no longer private, so such a file is refused, not used.
 *
 * @since 0.2.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ClientIdentityOptions } from "./ClientIdentity.js"
import { keyId } from "./internal/deviceJwt.js"
import { keptDirectory } from "./internal/keptFiles.js"
import { DeviceKey, generateKey } from "./Jwt.js"
import * as KeptFile from "./KeptFile.js"
import type { KeptFileError } from "./KeptFile.js"

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
    return path.join(directory, "device-key.json")
  })

// A device key is about 400 bytes.
const maxBytes = 64 * 1024

const fromKept = (error: KeptFileError) =>
  new KeyStoreError({
    file: error.file,
    problem: error.problem === "tooLarge" ? "corrupt" : "io",
    reason: error.reason
  })

// The text of a kept key, checked: private to this user, a device key, and
// one whose `kid` is its own.
const decodeKept = (file: string, kept: KeptFile.Kept) =>
  Effect.gen(function*() {
    if ((kept.mode & 0o077) !== 0) {
      return yield* new KeyStoreError({
        file,
        problem: "exposed",
        reason: `other users may read it (mode ${(kept.mode & 0o777).toString(8)}); run chmod 600 on it`
      })
    }
    const corrupt = new KeyStoreError({ file, problem: "corrupt", reason: "it does not hold a device key" })
    const key = yield* Effect.mapError(Schema.decodeUnknown(Kept)(kept.text), () => corrupt)
    if ((yield* keyId(key.privateKey, key.publicJwk.x)) !== key.kid || key.publicJwk.kid !== key.kid) {
      return yield* corrupt
    }
    return key
  })

/**
 * The kept key, or `None` when there is none yet. A symbolic link, a FIFO or
 * a file far larger than a key in its place is refused unread.
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
    const file = yield* fileOf(options)
    const kept = yield* Effect.mapError(KeptFile.read(file, { maxBytes }), fromKept)
    return Option.isNone(kept) ? Option.none() : Option.some(yield* decodeKept(file, kept.value))
  })

/**
 * Keeps `key`, replacing any kept one: written to a new file with mode 0600
 * (in a directory of this user's, tightened to 0700), then renamed into
 * place.
 *
 * @since 0.2.0
 * @category constructors
 */
export const save = (
  key: DeviceKey,
  options: KeyStoreOptions = {}
): Effect.Effect<void, KeyStoreError | ConfigError.ConfigError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const file = yield* fileOf(options)
    const text = yield* Effect.orDie(Schema.encode(Kept)(key))
    yield* Effect.mapError(KeptFile.replace(file, `${text}\n`), fromKept)
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
      // Concurrent first use, here or in another process, agrees on the key that was kept first.
      onNone: () =>
        Effect.gen(function*() {
          const file = yield* fileOf(options)
          const text = yield* Effect.orDie(Schema.encode(Kept)(yield* generateKey()))
          const first = yield* Effect.mapError(KeptFile.createOnce(file, `${text}\n`, { maxBytes }), fromKept)
          return yield* decodeKept(file, first)
        })
    })).pipe(Effect.withSpan("plex.KeyStore.loadOrCreate"))
