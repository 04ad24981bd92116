/**
 * Kept files under pressure: concurrent first use in one process and in
 * several, symbolic links, FIFOs, huge files and shared directories, through
 * `KeptFile` and the two modules that keep files with it.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Logger, LogLevel, Option, Redacted } from "effect"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as ClientIdentity from "../src/ClientIdentity.js"
import * as KeptFile from "../src/KeptFile.js"
import * as KeyStore from "../src/KeyStore.js"

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist")

/** A fresh config home for `body`, removed after it. */
const inHome = <A, E, R>(body: (home: string) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-kept-"))
    const provider = ConfigProvider.fromMap(new Map([["XDG_CONFIG_HOME", home]]))
    return yield* body(home).pipe(
      Effect.withConfigProvider(provider),
      Effect.ensuring(Effect.sync(() => fs.rmSync(home, { recursive: true, force: true })))
    )
  }).pipe(Effect.provide(NodeContext.layer))

/** The directory the kept files go in, made as the library makes it. */
const keptDirectoryIn = (home: string) => {
  const dir = path.join(home, "effect-plex")
  fs.mkdirSync(dir, { mode: 0o700 })
  return dir
}

/** Warnings logged while `self` runs. */
const warningsOf = <A, E, R>(self: Effect.Effect<A, E, R>) => {
  const lines: Array<string> = []
  const logger = Logger.make(({ logLevel, message }) => {
    if (logLevel._tag === "Warning") lines.push(String(message))
  })
  return self.pipe(
    Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
    Logger.withMinimumLogLevel(LogLevel.Warning),
    Effect.map((value) => ({ value, warnings: lines }))
  )
}

describe("concurrent first use", () => {
  it.effect("20 concurrent KeyStore.loadOrCreate calls hand out one key, the kept one", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const keys = yield* Effect.all(Array.from({ length: 20 }, () => KeyStore.loadOrCreate()), {
          concurrency: "unbounded"
        })
        const kept = Option.getOrThrow(yield* KeyStore.load())
        assert.deepStrictEqual([...new Set(keys.map((k) => k.kid))], [kept.kid])
        assert.deepStrictEqual([...new Set(keys.map((k) => Redacted.value(k.privateKey)))], [
          Redacted.value(kept.privateKey)
        ])
        assert.deepStrictEqual(fs.readdirSync(path.join(home, "effect-plex")), ["device-key.json"])
      })
    ))

  it.effect("20 concurrent ClientIdentity.make calls agree on one identifier, the kept one", () =>
    inHome(() =>
      Effect.gen(function*() {
        const ids = yield* Effect.all(Array.from({ length: 20 }, () => ClientIdentity.make()), {
          concurrency: "unbounded"
        })
        const kept = fs.readFileSync(ids[0]!.file, "utf8").trim()
        assert.deepStrictEqual([...new Set(ids.map((i) => i.clientIdentifier))], [kept])
      })
    ))

  // The built package, as another program would load it (`npm test` builds
  // first). Each process loads once, says "ready", then for each config home
  // it is sent runs both at once and answers "<kid> <identifier>".
  const script = `
    import { NodeContext } from "@effect/platform-node"
    import { Effect } from "effect"
    import * as readline from "node:readline"
    import * as KeyStore from ${JSON.stringify(path.join(dist, "KeyStore.js"))}
    import * as ClientIdentity from ${JSON.stringify(path.join(dist, "ClientIdentity.js"))}
    const both = Effect.all([KeyStore.loadOrCreate(), ClientIdentity.make()], { concurrency: 2 })
    process.stdout.write("ready\\n")
    for await (const home of readline.createInterface({ input: process.stdin })) {
      process.env.XDG_CONFIG_HOME = home
      const [key, id] = await Effect.runPromise(both.pipe(Effect.provide(NodeContext.layer)))
      process.stdout.write(key.kid + " " + id.clientIdentifier + "\\n")
    }
  `
  const racer = () => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: path.dirname(dist) })
    const lines: Array<string> = []
    const waiting: Array<(line: string) => void> = []
    let buffered = ""
    proc.stdout.on("data", (d) => {
      buffered += d
      for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
        const line = buffered.slice(0, i)
        buffered = buffered.slice(i + 1)
        const next = waiting.shift()
        if (next) next(line)
        else lines.push(line)
      }
    })
    const line = () =>
      new Promise<string>((resolve) => {
        const ready = lines.shift()
        if (ready !== undefined) resolve(ready)
        else waiting.push(resolve)
      })
    return { proc, line }
  }

  it.live(
    "6 processes racing on the same files, 3 rounds: one key and one identifier each round",
    () =>
      Effect.gen(function*() {
        if (!fs.existsSync(path.join(dist, "KeyStore.js"))) assert.fail(`${dist} is missing: run \`npm run build\``)
        const racers = Array.from({ length: 6 }, racer)
        yield* Effect.promise(() => Promise.all(racers.map((r) => r.line())))
        for (let round = 0; round < 3; round++) {
          const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-kept-"))
          for (const r of racers) r.proc.stdin.write(`${home}\n`)
          const answers = yield* Effect.promise(() => Promise.all(racers.map((r) => r.line())))
          const kept = yield* KeyStore.load().pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["XDG_CONFIG_HOME", home]]))),
            Effect.provide(NodeContext.layer)
          )
          const id = fs.readFileSync(path.join(home, "effect-plex", "client-identifier"), "utf8").trim()
          assert.deepStrictEqual([...new Set(answers)], [`${Option.getOrThrow(kept).kid} ${id}`])
          fs.rmSync(home, { recursive: true, force: true })
        }
        for (const r of racers) r.proc.stdin.end()
      }),
    60_000
  )
})

describe("what stands in a kept file's place", () => {
  it.effect("a dangling client-identifier symlink is refused, and its target is not created", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const dir = keptDirectoryIn(home)
        const target = path.join(home, "elsewhere")
        fs.symlinkSync(target, path.join(dir, "client-identifier"))
        const error = yield* Effect.flip(ClientIdentity.make())
        assert.strictEqual(error._tag, "ClientIdentityError")
        assert.include(error.message, "symbolic link")
        assert.isFalse(fs.existsSync(target))
      })
    ))

  it.effect("a symlink to an empty 0644 file is refused: the file keeps its mode and stays empty", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const dir = keptDirectoryIn(home)
        const target = path.join(home, "shared-file")
        fs.writeFileSync(target, "", { mode: 0o644 })
        fs.chmodSync(target, 0o644)
        fs.symlinkSync(target, path.join(dir, "client-identifier"))
        fs.symlinkSync(target, path.join(dir, "device-key.json"))
        assert.strictEqual((yield* Effect.flip(ClientIdentity.make()))._tag, "ClientIdentityError")
        const keyError = yield* Effect.flip(KeyStore.loadOrCreate())
        assert.strictEqual(keyError._tag === "KeyStoreError" && keyError.problem, "io")
        assert.strictEqual(fs.statSync(target).mode & 0o777, 0o644)
        assert.strictEqual(fs.readFileSync(target, "utf8"), "")
      })
    ))

  it.effect("an empty identifier file of our own is replaced by an identifier, mode 0600", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const dir = keptDirectoryIn(home)
        fs.writeFileSync(path.join(dir, "client-identifier"), "", { mode: 0o644 })
        const id = yield* ClientIdentity.make()
        assert.match(id.clientIdentifier, /^[0-9a-f-]{36}$/)
        assert.strictEqual(fs.statSync(id.file).mode & 0o777, 0o600)
      })
    ))

  it.effect("a FIFO in place of each kept file is refused at once, and the process's file reads go on", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const dir = keptDirectoryIn(home)
        for (const name of ["client-identifier", "device-key.json"]) {
          execFileSync("mkfifo", ["-m", "600", path.join(dir, name)])
        }
        // More than the four threads of the file system pool: none may block.
        for (let i = 0; i < 6; i++) {
          const id = yield* Effect.flip(ClientIdentity.make())
          assert.include(id.message, "not a regular file")
          const key = yield* Effect.flip(KeyStore.load())
          assert.include(key.message, "not a regular file")
        }
        const read = yield* Effect.promise(() => fs.promises.readFile(fileURLToPath(import.meta.url), "utf8"))
        assert.isAbove(read.length, 0)
      })
    ))

  it.effect("a 1 GiB key file is refused unread, as corrupt, naming its size", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const dir = keptDirectoryIn(home)
        const file = path.join(dir, "device-key.json")
        fs.writeFileSync(file, "", { mode: 0o600 })
        fs.truncateSync(file, 1024 ** 3) // sparse: no disk, no memory
        const before = process.memoryUsage().rss
        const error = yield* Effect.flip(KeyStore.load())
        assert.strictEqual(error._tag === "KeyStoreError" && error.problem, "corrupt")
        assert.include(error.message, "1073741824 bytes")
        assert.isBelow(process.memoryUsage().rss - before, 256 * 1024 ** 2)
      })
    ))
})

describe("directories", () => {
  it.effect("KeyStore.save tightens an existing 0777 key directory of our own to 0700", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const dir = path.join(home, "effect-plex")
        fs.mkdirSync(dir)
        fs.chmodSync(dir, 0o777)
        yield* KeyStore.loadOrCreate()
        assert.strictEqual(fs.statSync(dir).mode & 0o7777, 0o700)
        fs.chmodSync(dir, 0o755)
        yield* KeyStore.save(Option.getOrThrow(yield* KeyStore.load()))
        assert.strictEqual(fs.statSync(dir).mode & 0o7777, 0o700)
      })
    ))

  it.effect("a shared directory (sticky 1777, or a symlink to one) is left as it is, with a warning", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const shared = path.join(home, "shared")
        fs.mkdirSync(shared)
        fs.chmodSync(shared, 0o1777)
        const linked = path.join(home, "linked")
        fs.symlinkSync(shared, linked)
        for (const dir of [shared, linked]) {
          const file = path.join(dir, `settings-${path.basename(dir)}.json`)
          const { warnings } = yield* warningsOf(KeptFile.replace(file, "{}"))
          assert.strictEqual(fs.statSync(shared).mode & 0o7777, 0o1777, dir)
          assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600)
          assert.strictEqual(warnings.length, 1)
          assert.include(warnings[0]!, "left as it is")
        }
      })
    ))
})
