/**
 * Small private files kept on disk (a client identifier, a device key, an
 * app's settings), read and written so that what is kept stays private and
 * nothing else is touched:
 * - a symbolic link, a FIFO, a device or a directory in the file's place is
 *   refused, never followed or opened (a FIFO would block a thread of the
 *   file system pool for good);
 * - a file larger than its cap is refused before it is read;
 * - files are written as a new 0600 file, then linked (`createOnce`) or
 *   renamed (`replace`) into place, so no reader sees half of one;
 * - a directory this user owns is created or tightened to 0700; a shared one
 *   (a symbolic link, sticky like `/tmp`, or another user's) is left as it
 *   is, with a warning.
 *
 * The checks come before each open, so another process of the same user can
 * still swap a file in between: the directory is the user's own.
 *
 * @since 0.2.0
 */
import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { describePlatformError } from "./internal/keptFiles.js"

/**
 * A kept file cannot be used: `io` (the system refused), `symlink`,
 * `notAFile` (a FIFO, a device, a directory) or `tooLarge`. The message
 * names the file, never its content.
 *
 * @since 0.2.0
 * @category errors
 */
export class KeptFileError extends Schema.TaggedError<KeptFileError>("@effect-plex/client/KeptFileError")(
  "KeptFileError",
  { file: Schema.String, problem: Schema.Literal("io", "symlink", "notAFile", "tooLarge"), reason: Schema.String }
) {
  override get message(): string {
    return `${this.file}: ${this.reason}`
  }
}

const io = (file: string) => (error: PlatformError) =>
  new KeptFileError({ file, problem: "io", reason: describePlatformError(error) })

const isNotFound = (error: PlatformError) => error._tag === "SystemError" && error.reason === "NotFound"

/** Whether `file` is a symbolic link: `readLink` answers only for one. */
const isSymlink = (fs: FileSystem.FileSystem, file: string) =>
  fs.readLink(file).pipe(Effect.as(true), Effect.orElseSucceed(() => false))

const statIfAny = (fs: FileSystem.FileSystem, file: string) =>
  fs.stat(file).pipe(
    Effect.map(Option.some),
    Effect.catchIf(isNotFound, () => Effect.succeed(Option.none())),
    Effect.mapError(io(file))
  )

/**
 * What is at `file`: `None` when nothing is, else its size and mode. Refuses
 * a symbolic link and anything but a regular file.
 */
const inspect = (fs: FileSystem.FileSystem, file: string) =>
  Effect.gen(function*() {
    if (yield* isSymlink(fs, file)) {
      return yield* new KeptFileError({
        file,
        problem: "symlink",
        reason: "is a symbolic link, which is never followed: remove it"
      })
    }
    const info = yield* statIfAny(fs, file)
    if (Option.isSome(info) && info.value.type !== "File") {
      return yield* new KeptFileError({
        file,
        problem: "notAFile",
        reason: `is not a regular file (${info.value.type}): remove it`
      })
    }
    return Option.map(info, (i) => ({ size: Number(i.size), mode: i.mode }))
  })

/**
 * Options of `read`.
 *
 * @since 0.2.0
 * @category models
 */
export interface ReadOptions {
  /** Refuse a larger file without reading it. */
  readonly maxBytes: number
}

/**
 * A kept file's text, and its mode (for a check that nobody else may read it).
 *
 * @since 0.2.0
 * @category models
 */
export interface Kept {
  readonly text: string
  readonly mode: number
}

/**
 * The file's text and mode, or `None` when there is no file.
 *
 * @since 0.2.0
 * @category reading
 */
export const read = (
  file: string,
  options: ReadOptions
): Effect.Effect<Option.Option<Kept>, KeptFileError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const found = yield* inspect(fs, file)
    if (Option.isNone(found)) return Option.none()
    if (found.value.size > options.maxBytes) {
      return yield* new KeptFileError({
        file,
        problem: "tooLarge",
        reason: `is ${found.value.size} bytes, more than the ${options.maxBytes} it may hold`
      })
    }
    const text = yield* Effect.mapError(fs.readFileString(file), io(file))
    return Option.some({ text, mode: found.value.mode })
  })

// Another user's id, where the runtime tells ours.
const ownUid = (): number | undefined => (globalThis as { process?: { getuid?: () => number } }).process?.getuid?.()

/**
 * Creates `directory` with mode 0700, or tightens it to 0700 when it is this
 * user's own. A shared one (a symbolic link, a sticky directory like `/tmp`,
 * or another user's) is left as it is, with a warning: its mode is not ours
 * to change.
 *
 * @since 0.2.0
 * @category writing
 */
export const ensureDirectory = (
  directory: string
): Effect.Effect<void, KeptFileError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const leftAlone = (why: string) =>
      Effect.logWarning(`${directory} is ${why}: its mode is left as it is; files in it are still written 0600`)
    if (yield* isSymlink(fs, directory)) return yield* leftAlone("a symbolic link")
    const info = yield* statIfAny(fs, directory)
    if (Option.isNone(info)) {
      return yield* Effect.mapError(fs.makeDirectory(directory, { recursive: true, mode: 0o700 }), io(directory))
    }
    const { mode, type, uid } = info.value
    if (type !== "Directory") {
      return yield* new KeptFileError({ file: directory, problem: "notAFile", reason: "is not a directory" })
    }
    if ((mode & 0o1000) !== 0) return yield* leftAlone(`shared (mode ${(mode & 0o7777).toString(8)})`)
    const own = ownUid()
    if (own !== undefined && Option.isSome(uid) && uid.value !== own) return yield* leftAlone("another user's")
    if ((mode & 0o077) !== 0) yield* Effect.mapError(fs.chmod(directory, 0o700), io(directory))
  })

// `text` in a new 0600 file beside `file` (in a directory made ready, over
// nothing but a regular file), which `place` puts in `file`'s place.
const writeBeside = (
  file: string,
  text: string,
  place: (fs: FileSystem.FileSystem, temporary: string) => Effect.Effect<void, PlatformError>
) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    yield* ensureDirectory(path.dirname(file))
    yield* inspect(fs, file)
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomUUID()}.tmp`)
    yield* fs.writeFileString(temporary, text, { mode: 0o600, flag: "wx" }).pipe(
      Effect.zipRight(fs.chmod(temporary, 0o600)),
      Effect.zipRight(place(fs, temporary)),
      Effect.ensuring(Effect.ignore(fs.remove(temporary))),
      Effect.mapError(io(file))
    )
  })

const alreadyExists = (error: PlatformError) => error._tag === "SystemError" && error.reason === "AlreadyExists"

/**
 * Keeps `text` in `file` unless a file is there already, and returns what
 * `file` holds then (its text and mode): the first writer's, whoever it was. Concurrent
 * first use, in one process or several, so agrees on one value. The file
 * appears whole (a hard link of a complete 0600 file); where the file system
 * has no hard links, it is created exclusively instead.
 *
 * @since 0.2.0
 * @category writing
 */
export const createOnce = (
  file: string,
  text: string,
  options: ReadOptions
): Effect.Effect<Kept, KeptFileError, FileSystem.FileSystem | Path.Path> =>
  writeBeside(file, text, (fs, temporary) =>
    fs.link(temporary, file).pipe(
      Effect.catchIf(
        (error) => !alreadyExists(error),
        () => fs.writeFileString(file, text, { mode: 0o600, flag: "wx" })
      ),
      Effect.catchIf(alreadyExists, () => Effect.void)
    )).pipe(
      Effect.zipRight(read(file, options)),
      Effect.map(Option.getOrElse(() => ({ text, mode: 0o600 })))
    )

/**
 * Keeps `text` in `file`, replacing what is there (never through a symbolic
 * link): a new 0600 file, renamed into place.
 *
 * @since 0.2.0
 * @category writing
 */
export const replace = (
  file: string,
  text: string
): Effect.Effect<void, KeptFileError, FileSystem.FileSystem | Path.Path> =>
  writeBeside(file, text, (fs, temporary) => fs.rename(temporary, file))
