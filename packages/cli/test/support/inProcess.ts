/**
 * The CLI run in this process: its commands as `Cli.run` gives them, with a
 * console that keeps what they print and the environment a user's shell
 * would set, against a fake Plex. Faster than a child process, for tests of
 * what commands print; a test of the binary itself (signals, a terminal, a
 * closed stdout) spawns it.
 */
import type * as PlexFake from "@effect-plex/testing/PlexFake"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll } from "@effect/vitest"
import { type Console, Effect, type Exit, Redacted } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Cli from "../../src/Cli.js"

/** A config home of its own for the tests of this file (`XDG_CONFIG_HOME`), removed after them. */
export const useConfigHome = (prefix: string) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const saved = process.env["XDG_CONFIG_HOME"]
  beforeAll(() => void (process.env["XDG_CONFIG_HOME"] = home))
  afterAll(() => {
    if (saved === undefined) delete process.env["XDG_CONFIG_HOME"]
    else process.env["XDG_CONFIG_HOME"] = saved
    fs.rmSync(home, { recursive: true, force: true })
  })
}

/** A console that keeps what the CLI prints, each call one line. */
export const capture = () => {
  const lines: Array<string> = []
  const keep = (...args: ReadonlyArray<unknown>) => void lines.push(args.map(String).join(" "))
  const console = Effect.map(Effect.console, (c): Console.Console => ({
    ...c,
    log: (...args) => Effect.sync(() => keep(...args)),
    error: (...args) => Effect.sync(() => keep(...args)),
    unsafe: { ...c.unsafe, log: keep, error: keep }
  }))
  return {
    lines,
    run: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.flatMap(console, (c) => Effect.withConsole(self, c))
  }
}

/** `effect-plex <args>` against `fake` with `token`, set in the environment for the run and restored after. */
export const runCli = (
  fake: PlexFake.PlexFakeService,
  token: Redacted.Redacted<string>,
  args: ReadonlyArray<string>
): Effect.Effect<{ readonly exit: Exit.Exit<unknown, unknown>; readonly lines: ReadonlyArray<string> }> => {
  const printed = capture()
  const env = {
    PLEX_TV_URL: fake.plexTvUrl,
    PLEX_CLIENTS_URL: fake.clientsUrl,
    PLEX_SERVER_URL: fake.serverUrl,
    PLEX_TOKEN: Redacted.value(token),
    PLEX_CLIENT_IDENTIFIER: "in-process-tests"
  }
  return Effect.acquireUseRelease(
    Effect.sync(() => {
      const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
      Object.assign(process.env, env)
      return before
    }),
    () =>
      Cli.run(["node", "effect-plex", ...args]).pipe(
        printed.run,
        Effect.provide(NodeContext.layer),
        Effect.exit,
        Effect.map((exit) => ({ exit, lines: printed.lines }))
      ),
    (before) =>
      Effect.sync(() => {
        for (const [k, v] of Object.entries(before)) {
          if (v === undefined) delete process.env[k]
          else process.env[k] = v
        }
      })
  )
}
