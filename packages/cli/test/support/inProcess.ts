/**
 * The CLI run in this process: `main` as the binary runs it, with a console
 * that keeps stdout and stderr apart, standard input from a string, and the
 * environment a user's shell would set. Faster than a child process; a test
 * of what only the binary does (signals, a terminal, a closed stdout) spawns
 * it (see `cli.test.ts`).
 */
import type * as PlexFake from "@effect-plex/testing/PlexFake"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll } from "@effect/vitest"
import { type Console, Effect, Layer, Redacted } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Readable } from "node:stream"
import { main } from "../../src/Main.js"
import { withoutStyles } from "../../src/SafeText.js"
import * as Stdio from "../../src/Stdio.js"

/** What a run printed, and how it ended, as a shell sees it. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const homes: Array<string> = []

afterAll(() => homes.splice(0).forEach((home) => fs.rmSync(home, { recursive: true, force: true })))

/** A new, empty HOME, removed after the file's tests. */
export const freshHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-cli-"))
  homes.push(home)
  return home
}

/** Where the CLI keeps its settings under `home` (`XDG_CONFIG_HOME` is `home/config`). */
export const configPath = (home: string) => path.join(home, "config", "effect-plex", "config.json")

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

// The variables a run sets; every PLEX_* one is cleared first, as a clean shell would have it.
const withEnvironment = <A, E, R>(env: Record<string, string>, self: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const names = [...Object.keys(process.env).filter((k) => k.startsWith("PLEX_")), ...Object.keys(env)]
      const before = Object.fromEntries(names.map((k) => [k, process.env[k]]))
      for (const name of names) delete process.env[name]
      Object.assign(process.env, env)
      return before
    }),
    () => self,
    (before) =>
      Effect.sync(() => {
        for (const [k, v] of Object.entries(before)) {
          if (v === undefined) delete process.env[k]
          else process.env[k] = v
        }
      })
  )

/**
 * `effect-plex <args>` in this process, with its own HOME (`XDG_CONFIG_HOME`
 * under it), `input` on a piped stdin, and `env` on top of a clean `PLEX_*`
 * environment.
 */
export const cli = (
  args: ReadonlyArray<string>,
  options: { readonly home: string; readonly input?: string; readonly env?: Record<string, string> }
): Effect.Effect<Run> => {
  let stdout = ""
  let stderr = ""
  // Both are pipes here, which the binary never styles.
  const line = (args: ReadonlyArray<unknown>) => withoutStyles(`${args.map(String).join(" ")}\n`)
  const console = Effect.map(Effect.console, (c): Console.Console => ({
    ...c,
    log: (...args) => Effect.sync(() => void (stdout += line(args))),
    error: (...args) => Effect.sync(() => void (stderr += line(args))),
    unsafe: {
      ...c.unsafe,
      log: (...args) => void (stdout += line(args)),
      error: (...args) => void (stderr += line(args))
    }
  }))
  const stdio = Layer.sync(Stdio.Stdio, () =>
    Stdio.make({
      input: Readable.from([options.input ?? ""]),
      stdinIsTTY: false,
      stderrIsTTY: false,
      drawOnStderr: (text) => void (stderr += withoutStyles(text))
    }))
  const env = {
    HOME: options.home,
    XDG_CONFIG_HOME: path.join(options.home, "config"),
    ...options.env
  }
  return withEnvironment(
    env,
    Effect.flatMap(console, (c) => Effect.withConsole(main(["node", "effect-plex", ...args]), c)).pipe(
      Effect.provide(Layer.merge(NodeContext.layer, stdio))
    )
  ).pipe(Effect.map((code) => ({ code, stdout, stderr })))
}

/** The URLs of `fake`, as the `PLEX_*` variables that point the CLI at it. */
export const against = (fake: PlexFake.PlexFakeService): Record<string, string> => ({
  PLEX_TV_URL: fake.plexTvUrl,
  PLEX_SERVER_URL: fake.serverUrl,
  PLEX_CLIENTS_URL: fake.clientsUrl
})

/** `effect-plex <args>` against `fake`, signed in with `token`, in a fresh HOME. */
export const runCli = (
  fake: PlexFake.PlexFakeService,
  token: Redacted.Redacted<string>,
  args: ReadonlyArray<string>
): Effect.Effect<Run> =>
  cli(args, {
    home: freshHome(),
    env: { ...against(fake), PLEX_TOKEN: Redacted.value(token), PLEX_CLIENT_IDENTIFIER: "in-process-tests" }
  })
