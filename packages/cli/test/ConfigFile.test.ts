/**
 * The CLI's settings file: what stands in its place, and a shared directory.
 * `ConfigFile` reads `XDG_CONFIG_HOME` from the environment, as the CLI does.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ConfigFile from "../src/ConfigFile.js"

describe("ConfigFile", () => {
  let home = ""
  const saved = process.env["XDG_CONFIG_HOME"]
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-config-"))
    process.env["XDG_CONFIG_HOME"] = home
  })
  afterEach(() => {
    if (saved === undefined) delete process.env["XDG_CONFIG_HOME"]
    else process.env["XDG_CONFIG_HOME"] = saved
    fs.rmSync(home, { recursive: true, force: true })
  })
  const dir = () => path.join(home, "effect-plex")
  const file = () => path.join(dir(), "config.json")

  it.effect("a config directory that links to a shared 1777 directory keeps its mode and sticky bit", () =>
    Effect.gen(function*() {
      const shared = path.join(home, "shared")
      fs.mkdirSync(shared)
      fs.chmodSync(shared, 0o1777)
      fs.symlinkSync(shared, dir())
      yield* ConfigFile.save({ token: Redacted.make("tok-config-1234") })
      assert.strictEqual(fs.statSync(shared).mode & 0o7777, 0o1777)
      assert.strictEqual(fs.statSync(file()).mode & 0o777, 0o600)
      assert.strictEqual(Redacted.value((yield* ConfigFile.load).token!), "tok-config-1234")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("a FIFO, a symlink or a 1 GiB file in config.json's place is refused unread, in one line", () =>
    Effect.gen(function*() {
      fs.mkdirSync(dir(), { mode: 0o700 })
      execFileSync("mkfifo", ["-m", "600", file()])
      for (let i = 0; i < 5; i++) assert.include((yield* Effect.flip(ConfigFile.load)).message, "not a regular file")
      fs.rmSync(file())
      fs.symlinkSync(path.join(home, "elsewhere"), file())
      assert.include((yield* Effect.flip(ConfigFile.load)).message, "symbolic link")
      assert.include((yield* Effect.flip(ConfigFile.save({}))).message, "symbolic link")
      assert.isFalse(fs.existsSync(path.join(home, "elsewhere")))
      fs.rmSync(file())
      fs.writeFileSync(file(), "", { mode: 0o600 })
      fs.truncateSync(file(), 1024 ** 3)
      const error = yield* Effect.flip(ConfigFile.load)
      assert.include(error.message, "1073741824 bytes")
      assert.notInclude(error.message, "\n")
    }).pipe(Effect.provide(NodeContext.layer)))
})
