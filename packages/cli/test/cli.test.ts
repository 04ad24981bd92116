import * as PlexFake from "@effect-plex/testing/PlexFake"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Redacted } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { against, cli, configPath, freshHome } from "./support/inProcess.js"

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/bin.js")

/** Runs the built CLI as a subprocess with its own config directory and a clean PLEX_* environment. */
const spawnCli = (
  args: ReadonlyArray<string>,
  options: {
    home: string
    input?: string
    env?: Record<string, string>
    /** Keep stdin open, and send this signal once stderr shows `after`. */
    signal?: { readonly name: NodeJS.Signals; readonly after: RegExp }
    /** Close our end of stdout after the first chunk, as `| head -1` does. */
    closeStdoutEarly?: boolean
  }
) =>
  Effect.async<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resume) => {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PLEX_")))
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...env, HOME: options.home, XDG_CONFIG_HOME: path.join(options.home, "config"), ...options.env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => {
      stdout += d
      if (options.closeStdoutEarly) child.stdout.destroy()
    })
    let signalled = false
    child.stderr.on("data", (d) => {
      stderr += d
      if (options.signal !== undefined && !signalled && options.signal.after.test(stderr)) {
        signalled = true
        child.kill(options.signal.name)
      }
    })
    // The CLI may stop reading early (a capped prompt): that is not an error here.
    child.stdin.on("error", () => {})
    if (options.signal === undefined) child.stdin.end(options.input ?? "")
    else child.stdin.write(options.input ?? "")
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
  })

describe("effect-plex CLI", () => {
  // The binary itself, as `npm start` runs it; its help, piped, has no colour.
  it.live(
    "the binary: demo runs end to end on the embedded fake, says so in one line, and shows tokens only masked",
    () =>
      Effect.gen(function*() {
        const help = yield* spawnCli(["whoami", "--help"], { home: freshHome() })
        assert.strictEqual(help.code, 0, help.stderr)
        assert.include(help.stdout, "Print one JSON document instead of a table")
        assert.notMatch(help.stdout + help.stderr, /\u001b\[/)
        const run = yield* spawnCli(["demo"], { home: freshHome() })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.match(run.stderr, /^No Plex configured: using the embedded fake Plex at http:\/\/127\.0\.0\.1:\d+/)
        assert.strictEqual(run.stderr.trim().split("\n").length, 1)
        for (const step of ["[1/4] signin", "[2/4] whoami", "[3/4] transient-token", "[4/4] source-info"]) {
          assert.include(run.stdout, step)
        }
        assert.include(run.stdout, "Living Room Server")
        assert.notMatch(run.stdout, /fake-[0-9a-z]{8}|transient-[0-9a-z]{8}/)
        assert.include(run.stdout, "********")
      }),
    30_000
  )

  it.scopedLive(
    "saves into a new 0600 file in a 0700 directory, never writing over the old file in place",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const home = freshHome()
        const file = configPath(home)
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.chmodSync(path.dirname(file), 0o755)
        fs.writeFileSync(file, "{}\n")
        fs.chmodSync(file, 0o644)
        const before = fs.statSync(file).ino
        const run = yield* cli(["signin", "--login", "demo", "--save"], {
          home,
          input: `${PlexFake.demoAccount.password}\n`,
          env: against(fake)
        })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600)
        assert.strictEqual(fs.statSync(path.dirname(file)).mode & 0o777, 0o700)
        // A new file, renamed into place: the token was never in a 0644 file.
        assert.notStrictEqual(fs.statSync(file).ino, before)
        assert.match(JSON.parse(fs.readFileSync(file, "utf8")).token, /^fake-/)
        assert.deepStrictEqual(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith(".tmp")), [])
      }),
    30_000
  )

  it.scopedLive(
    "signin --save with a config directory it cannot write fails before signing in, naming the path",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const home = freshHome()
        // A file where the config home should be: unwritable for anyone, root
        // included, wherever the clone sits.
        fs.writeFileSync(path.join(home, "config"), "not a directory")
        const run = yield* cli(["signin", "--login", "demo", "--save"], {
          home,
          input: `${PlexFake.demoAccount.password}\n`,
          env: { ...against(fake), PLEX_CLIENT_IDENTIFIER: "cli-tests" }
        })
        assert.strictEqual(run.code, 1)
        assert.include(run.stderr, configPath(home))
        assert.strictEqual(run.stderr.trim().split("\n").length, 1, run.stderr)
        assert.notInclude(run.stderr, "Password")
        const signIns = (yield* fake.journal).filter((e) => e.path.endsWith("/users/signin"))
        assert.deepStrictEqual(signIns, [])
      }),
    30_000
  )

  it.scopedLive(
    "home switch to a protected profile reads its PIN from stdin; a wrong one fails in one line, never shown",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve({
          accounts: [{ username: "parent", password: "pw-parent" }, { username: "partner", password: "pw-partner" }],
          home: [{ username: "partner", pin: "4711" }]
        })
        const env = {
          ...against(fake),
          PLEX_TOKEN: Redacted.value(yield* fake.issueToken("parent")),
          PLEX_CLIENT_IDENTIFIER: "cli-tests"
        }
        const right = yield* cli(["home", "switch", "partner", "--pin-stdin"], {
          home: freshHome(),
          input: "4711\n",
          env
        })
        assert.strictEqual(right.code, 0, right.stderr)
        assert.include(right.stdout, "Switched to")
        const wrong = yield* cli(["home", "switch", "partner", "--pin-stdin"], {
          home: freshHome(),
          input: "9382\n",
          env
        })
        assert.strictEqual(wrong.code, 1)
        assert.include(wrong.stderr, "needs its PIN")
        assert.strictEqual(wrong.stderr.trim().split("\n").length, 1, wrong.stderr)
        for (const run of [right, wrong]) assert.notMatch(run.stdout + run.stderr, /4711|9382/)
      }),
    30_000
  )

  it.scopedLive("reads at most 64 KiB of a password from stdin, and stops reading there", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve()
      const run = yield* cli(["signin", "--login", "demo"], {
        home: freshHome(),
        input: "p".repeat(8 * 1024 * 1024),
        env: { ...against(fake), PLEX_CLIENT_IDENTIFIER: "cli-tests" }
      })
      assert.strictEqual(run.code, 1)
      assert.include(run.stderr, "longer than 64 KiB")
      assert.notInclude(run.stderr, "pppp")
      assert.deepStrictEqual((yield* fake.journal).filter((e) => e.path.endsWith("/users/signin")), [])
    }), 30_000)

  it.scopedLive(
    "a server that echoes the token or the password gets neither onto stdout or stderr",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const token = Redacted.value(yield* fake.issueToken("demo"))
        yield* fake.inject("user", PlexFake.Faults.echo, { times: 1 })
        const whoami = yield* cli(["whoami", "--verbose"], {
          home: freshHome(),
          env: { ...against(fake), PLEX_TOKEN: token }
        })
        assert.strictEqual(whoami.code, 1)
        assert.include(whoami.stderr, "withheld: it contained a credential")
        assert.notInclude(whoami.stdout + whoami.stderr, token)
        assert.notInclude(whoami.stdout + whoami.stderr, encodeURIComponent(token))

        yield* fake.inject("signin", PlexFake.Faults.echo, { times: 1 })
        const password = "s3cret pass&word+"
        const signin = yield* cli(["signin", "--login", "demo", "--verbose"], {
          home: freshHome(),
          input: `${password}\n`,
          env: { ...against(fake), PLEX_CLIENT_IDENTIFIER: "cli-tests" }
        })
        assert.strictEqual(signin.code, 1)
        for (
          const spelling of [password, encodeURIComponent(password), encodeURIComponent(password).replace(/%20/g, "+")]
        ) {
          assert.notInclude(signin.stdout + signin.stderr, spelling)
        }
      }),
    30_000
  )

  it.live(
    "only demo, or --fake, uses the embedded fake; with nothing configured, the rest say to sign in",
    () =>
      Effect.gen(function*() {
        for (const command of ["whoami", "ping", "signout", "transient-token", "servers"]) {
          const run = yield* cli([command], { home: freshHome() })
          assert.strictEqual(run.code, 1, command)
          assert.strictEqual(
            run.stderr.trim(),
            "effect-plex: not signed in: run `effect-plex login` (or `effect-plex signin --save`), or set PLEX_TOKEN"
          )
          assert.notInclude(run.stderr, "embedded fake")
        }
        const faked = yield* cli(["whoami", "--fake"], { home: freshHome() })
        assert.strictEqual(faked.code, 0, faked.stderr)
        assert.include(faked.stderr, "embedded fake")
      }),
    60_000
  )

  it.live("with --json, a failure is one JSON document on stdout too, beside the line on stderr", () =>
    Effect.gen(function*() {
      const run = yield* cli(["whoami", "--json"], { home: freshHome() })
      assert.strictEqual(run.code, 1)
      assert.strictEqual(run.stdout.trim().split("\n").length, 1)
      const document = JSON.parse(run.stdout) as { error: { tag: string; message: string } }
      assert.strictEqual(document.error.tag, "NotSignedIn")
      assert.strictEqual(`effect-plex: ${document.error.message}`, run.stderr.trim())
      const plain = yield* cli(["whoami"], { home: freshHome() })
      assert.strictEqual(plain.stdout, "")
    }))

  it.live("demo --json prints exactly one JSON document, and on the fake writes nothing under HOME", () =>
    Effect.gen(function*() {
      const home = freshHome()
      const run = yield* cli(["demo", "--json"], { home })
      assert.strictEqual(run.code, 0, run.stderr)
      const document = JSON.parse(run.stdout)
      assert.strictEqual(document.steps.length, 4)
      assert.strictEqual(run.stdout.trim().split("\n").length, 1)
      assert.deepStrictEqual(fs.readdirSync(home, { recursive: true }), [])
    }))

  it.live(
    "the binary: a closed stdout (`| head -1`) ends it quietly",
    () =>
      Effect.gen(function*() {
        const piped = yield* spawnCli(["demo"], { home: freshHome(), closeStdoutEarly: true })
        assert.strictEqual(piped.code, 0)
        assert.notMatch(piped.stderr, /EPIPE|Error|at .*\.js:\d+/)
      }),
    30_000
  )

  it.scopedLive(
    "the binary: Ctrl-C exits 130 and SIGTERM 143, while login waits and at a prompt, ending the line and saving nothing",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        for (const [name, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
          const home = freshHome()
          const waiting = yield* spawnCli(["login"], {
            home,
            env: { ...against(fake), PLEX_CLIENT_IDENTIFIER: "cli-tests" },
            signal: { name, after: /Open this link/ }
          })
          assert.strictEqual(waiting.code, code, waiting.stderr)
          assert.isTrue(waiting.stderr.endsWith("\n"))
          assert.isFalse(fs.existsSync(configPath(home)))
          const prompted = yield* spawnCli(["signin", "--login", "demo", "--save"], {
            home,
            env: { ...against(fake), PLEX_CLIENT_IDENTIFIER: "cli-tests" },
            signal: { name, after: /Password: / }
          })
          assert.strictEqual(prompted.code, code, prompted.stderr)
          assert.isTrue(prompted.stderr.endsWith("\n"))
          assert.notInclude(prompted.stderr, "effect-plex:")
          assert.isFalse(fs.existsSync(configPath(home)))
        }
      }),
    60_000
  )

  // A real terminal: `script` (util-linux) runs the CLI on a pseudo-terminal,
  // and Ctrl-C is pressed once the password prompt shows. The hidden prompt
  // reads keys raw, so Ctrl-C arrives as a key, not a signal.
  const ctrlCAtPrompt = (env: Record<string, string> = {}) =>
    Effect.async<{ readonly code: number | null; readonly screen: string }>((resume) => {
      const home = freshHome()
      const child = spawn("script", ["-qefc", `${process.execPath} ${bin} signin --login demo`, "/dev/null"], {
        env: {
          ...process.env,
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, "config"),
          PLEX_TV_URL: "http://127.0.0.1:9/api/v2",
          PLEX_CLIENT_IDENTIFIER: "cli-tests",
          ...env
        },
        stdio: ["pipe", "pipe", "pipe"]
      })
      let screen = ""
      let pressed = false
      const read = (d: Buffer) => {
        screen += d
        if (!pressed && /Password/.test(screen)) {
          pressed = true
          setTimeout(() => child.stdin.write("\x03"), 200)
        }
      }
      child.stdout.on("data", read)
      child.stderr.on("data", read)
      child.on("close", (code) => resume(Effect.succeed({ code, screen })))
    })

  it.live(
    "the binary in a terminal: Ctrl-C at the hidden password prompt exits 130 and ends the line; NO_COLOR takes the colour out",
    () =>
      Effect.gen(function*() {
        const coloured = yield* ctrlCAtPrompt()
        assert.strictEqual(coloured.code, 130, coloured.screen)
        assert.isTrue(coloured.screen.endsWith("\r\n"), JSON.stringify(coloured.screen.slice(-40)))
        assert.notInclude(coloured.screen, "effect-plex:")
        assert.match(coloured.screen, /\u001b\[[0-9;]*m/)
        const plain = yield* ctrlCAtPrompt({ NO_COLOR: "1" })
        assert.strictEqual(plain.code, 130, plain.screen)
        assert.include(plain.screen, "Password")
        assert.notMatch(plain.screen, /\u001b\[[0-9;]*m/)
      }),
    30_000
  )

  it.live(
    "a mistyped command names the nearest one and exits 2; help names the program and describes each flag",
    () =>
      Effect.gen(function*() {
        const typo = yield* cli(["whoam"], { home: freshHome() })
        assert.strictEqual(typo.code, 2)
        assert.strictEqual(
          typo.stderr.trim(),
          "effect-plex: unknown command 'whoam'. Did you mean 'whoami'? Run `effect-plex --help` for the list."
        )
        const help = yield* cli(["whoami", "--help"], { home: freshHome() })
        assert.strictEqual(help.code, 0, help.stderr)
        assert.include(help.stdout, "Print one JSON document instead of a table")
        // Usage names the program, and each flag's help is its own description.
        assert.match(help.stdout, /^\$ effect-plex whoami \[--json\]/m)
        assert.notInclude(help.stdout, "A true or false value.")
        const flags = [...help.stdout.matchAll(/^--([a-z-]+)[^\n]*\n\n {2}(.*)$/gm)]
        assert.isAbove(flags.length, 3)
        for (const [, flag, description] of flags) assert.notMatch(description!, /^(A |This setting)/, flag)
      }),
    30_000
  )

  it.scopedLive(
    "signin --password-stdin reads the password from standard input, as docker login does",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const env = { ...against(fake), PLEX_CLIENT_IDENTIFIER: "cli-tests" }
        const run = yield* cli(["signin", "--login", "demo", "--password-stdin", "--json"], {
          home: freshHome(),
          input: `${PlexFake.demoAccount.password}\n`,
          env
        })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.strictEqual(JSON.parse(run.stdout).username, "demo")
        assert.notInclude(run.stderr, "Password:")
        const empty = yield* cli(["signin", "--login", "demo"], { home: freshHome(), input: "", env })
        assert.strictEqual(empty.code, 1)
        assert.include(empty.stderr, "--password-stdin")
        const emptyStdin = yield* cli(["signin", "--login", "demo", "--password-stdin"], { home: freshHome(), env })
        assert.strictEqual(emptyStdin.code, 1)
        assert.strictEqual(
          emptyStdin.stderr.trim(),
          "effect-plex: no password given, and standard input has ended: standard input was empty; pipe the password into it"
        )
        const noLogin = yield* cli(["signin", "--password-stdin", "--save"], { home: freshHome(), input: "pw\n", env })
        assert.strictEqual(noLogin.code, 2)
        assert.strictEqual(
          noLogin.stderr.trim(),
          "effect-plex: --password-stdin needs --login: standard input holds only the password"
        )
        // Many short lines count towards the same 64 KiB as one long one.
        const lines = yield* cli(["signin", "--login", "demo", "--password-stdin"], {
          home: freshHome(),
          input: "p\n".repeat(100_000),
          env
        })
        assert.strictEqual(lines.code, 1)
        assert.include(lines.stderr, "longer than 64 KiB")
      }),
    30_000
  )

  it.scopedLive(
    "signin prompts for the password, never echoes it, and saves the token with mode 0600",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const home = freshHome()
        const run = yield* cli(["signin", "--login", "demo", "--save", "--json"], {
          home,
          input: `${PlexFake.demoAccount.password}\n`,
          env: against(fake)
        })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.include(run.stderr, "Password: ")
        assert.notInclude(run.stdout + run.stderr, PlexFake.demoAccount.password)
        const printed = JSON.parse(run.stdout)
        assert.strictEqual(printed.username, "demo")
        assert.isUndefined(printed.token)
        const file = configPath(home)
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600)
        const saved = JSON.parse(fs.readFileSync(file, "utf8"))
        assert.match(saved.token, /^fake-/)
        assert.notInclude(run.stdout + run.stderr, saved.token)

        const whoami = yield* cli(["whoami"], { home, env: against(fake) })
        assert.strictEqual(whoami.code, 0, whoami.stderr)
        assert.include(whoami.stdout, "demo@example.com")
        assert.notInclude(whoami.stdout, saved.token)
        const shown = yield* cli(["whoami", "--show-token", "--json"], { home, env: against(fake) })
        assert.strictEqual(JSON.parse(shown.stdout).token, saved.token)

        yield* fake.revokeToken(saved.token)
        const revoked = yield* cli(["whoami"], { home, env: against(fake) })
        assert.strictEqual(revoked.code, 1)
        assert.strictEqual(revoked.stderr.trim().split("\n").length, 1)
        assert.match(revoked.stderr, /did not accept the token: sign in again/)
        const verbose = yield* cli(["whoami", "--verbose"], { home, env: against(fake) })
        assert.isAbove(verbose.stderr.trim().split("\n").length, 1)
        assert.notInclude(verbose.stderr, saved.token)
      }),
    30_000
  )

  it.scopedLive(
    "asks for the verification code when Plex answers 1029, without echoing either secret",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve({
          accounts: [{ username: "ann", password: "pw-ann-secret", verificationCode: "424242" }]
        })
        const run = yield* cli(["signin", "--login", "ann"], {
          home: freshHome(),
          input: "pw-ann-secret\n424242\n",
          env: against(fake)
        })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.include(run.stderr, "Password: ")
        assert.include(run.stderr, "Verification code: ")
        assert.include(run.stdout, "two-factor  on")
        assert.notInclude(run.stdout + run.stderr, "pw-ann-secret")
        assert.notInclude(run.stdout + run.stderr, "424242")

        const noCode = yield* cli(["signin", "--login", "ann"], {
          home: freshHome(),
          input: "pw-ann-secret\n",
          env: against(fake)
        })
        assert.strictEqual(noCode.code, 1)
        assert.match(noCode.stderr, /effect-plex: Plex wants a verification code: run again with --code/)
        const withFlag = yield* cli(["signin", "--login", "ann", "--code", "424242"], {
          home: freshHome(),
          input: "pw-ann-secret\n",
          env: against(fake)
        })
        assert.strictEqual(withFlag.code, 0, withFlag.stderr)
      }),
    30_000
  )

  it.scopedLive(
    "reports a lock-out in one line, and runs transient-token and source-info",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve({ lockoutAfter: 1 })
        const home = freshHome()
        yield* cli(["signin", "--login", "demo"], { home, input: "wrong\n", env: against(fake) })
        const locked = yield* cli(["signin", "--login", "demo"], {
          home,
          input: `${PlexFake.demoAccount.password}\n`,
          env: against(fake)
        })
        assert.strictEqual(locked.code, 1)
        assert.match(locked.stderr, /locked sign-in from this IP/)
        assert.notMatch(locked.stderr, /at .*\.js:\d+/)

        const token = Redacted.value(yield* fake.issueToken("demo"))
        const env = { ...against(fake), PLEX_TOKEN: token }
        const transient = yield* cli(["transient-token", "--json", "--show-token"], { home, env })
        assert.match(JSON.parse(transient.stdout).token, /^transient-/)
        const source = yield* cli(["source-info", PlexFake.demoSource.source, "--json"], { home, env })
        assert.strictEqual(source.code, 0, source.stderr)
        assert.strictEqual(JSON.parse(source.stdout).connections.length, 3)
        assert.notInclude(source.stdout + source.stderr, token)
      }),
    30_000
  )

  it.scopedLive(
    "keeps one client identifier across runs (mode 0600), and rejects bad usage with exit code 2",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const home = freshHome()
        const file = path.join(home, "config", "effect-plex", "client-identifier")
        const token = Redacted.value(yield* fake.issueToken("demo"))
        yield* cli(["whoami"], { home, env: { ...against(fake), PLEX_TOKEN: token } })
        const first = fs.readFileSync(file, "utf8").trim()
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600)
        yield* cli(["whoami"], { home, env: { ...against(fake), PLEX_TOKEN: token } })
        assert.strictEqual(fs.readFileSync(file, "utf8").trim(), first)
        assert.match(first, /^[0-9a-f-]{36}$/)
        const sent = (yield* fake.journal).filter((e) => e.path === "/api/v2/user").map((e) =>
          e.headers["x-plex-client-identifier"]
        )
        assert.deepStrictEqual(sent, [first, first])
        const bad = yield* cli(["whoami", "--no-such-flag"], { home })
        assert.strictEqual(bad.code, 2)
      }),
    30_000
  )

  it.live(
    "login runs the PIN flow end to end on the embedded fake, showing the link and never the token",
    () =>
      Effect.gen(function*() {
        const run = yield* cli(["login", "--fake"], { home: freshHome() })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.match(
          run.stderr,
          /Open this link to sign in:\n  https:\/\/app\.plex\.tv\/auth#\?clientID=[0-9a-f-]{36}&code=[A-Z0-9]{25}&context\[device\]\[product\]=effect-plex%20CLI/
        )
        assert.include(run.stdout, "username    demo")
        assert.notMatch(run.stdout + run.stderr, /fake-[0-9a-z]{8}/)
        const short = yield* cli(["login", "--short", "--json", "--fake"], { home: freshHome() })
        assert.strictEqual(short.code, 0, short.stderr)
        assert.match(short.stderr, /Go to https:\/\/plex\.tv\/link and enter [A-Z0-9]{4}/)
        assert.strictEqual(JSON.parse(short.stdout).username, "demo")
      }),
    30_000
  )

  it.scopedLive(
    "servers races the connections and shows each candidate; ping and signout manage the token",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const home = freshHome()
        const token = Redacted.value(yield* fake.issueToken("demo"))
        const env = { ...against(fake), PLEX_TOKEN: token }
        const [local, remote, relay] = fake.connections
        yield* fake.setConnection(local!.uri, PlexFake.Connections.unreachable)
        const listed = yield* cli(["servers", "--json"], { home, env })
        assert.strictEqual(listed.code, 0, listed.stderr)
        const [server] = JSON.parse(listed.stdout)
        assert.strictEqual(server.chosen, remote!.uri)
        assert.deepStrictEqual(server.candidates.map((c: { kind: string }) => c.kind), ["local", "remote", "relay"])
        assert.isString(server.candidates[0].failure)
        assert.isNumber(server.candidates[1].latencyMs)
        assert.notInclude(listed.stdout, token)
        yield* fake.setConnection(remote!.uri, PlexFake.Connections.unreachable)
        yield* fake.setConnection(relay!.uri, PlexFake.Connections.unreachable)
        const none = yield* cli(["servers"], { home, env })
        assert.include(none.stdout, "no connection")

        const pinged = yield* cli(["ping"], { home, env })
        assert.strictEqual(pinged.code, 0, pinged.stderr)
        const out = yield* cli(["signout"], { home, env })
        assert.strictEqual(out.code, 0, out.stderr)
        const after = yield* cli(["whoami"], { home, env })
        assert.strictEqual(after.code, 1)
        assert.match(after.stderr, /did not accept the token/)
      }),
    30_000
  )

  it.scopedLive(
    "signout forgets the saved token whatever Plex answers: a dead token at once, an unreachable Plex with a warning",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const saveToken = (home: string, token: string) => {
          fs.mkdirSync(path.dirname(configPath(home)), { recursive: true, mode: 0o700 })
          fs.writeFileSync(configPath(home), JSON.stringify({ token, clientIdentifier: "cli-tests" }), { mode: 0o600 })
        }
        const savedToken = (home: string) => JSON.parse(fs.readFileSync(configPath(home), "utf8")).token

        const revoked = freshHome()
        const dead = Redacted.value(yield* fake.issueToken("demo"))
        yield* fake.revokeToken(dead)
        saveToken(revoked, dead)
        const gone = yield* cli(["signout"], { home: revoked, env: against(fake) })
        assert.strictEqual(gone.code, 0, gone.stderr)
        assert.include(gone.stdout, "no longer accepted the token")
        assert.isUndefined(savedToken(revoked))

        const offline = freshHome()
        const live = Redacted.value(yield* fake.issueToken("demo"))
        saveToken(offline, live)
        const unreachable = yield* cli(["signout"], {
          home: offline,
          env: { PLEX_TV_URL: "http://127.0.0.1:9/api/v2" }
        })
        assert.strictEqual(unreachable.code, 1)
        assert.match(unreachable.stderr, /forgot the token here, but Plex did not end it .*: it may still work/)
        assert.isUndefined(savedToken(offline))
        assert.notInclude(unreachable.stdout + unreachable.stderr, live)
      }),
    30_000
  )

  it.scopedLive("a saved token in a config file others can read is used, with a warning to chmod it", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve()
      const home = freshHome()
      const token = Redacted.value(yield* fake.issueToken("demo"))
      fs.mkdirSync(path.dirname(configPath(home)), { recursive: true, mode: 0o700 })
      fs.writeFileSync(configPath(home), JSON.stringify({ token, clientIdentifier: "cli-tests" }))
      fs.chmodSync(configPath(home), 0o644)
      const run = yield* cli(["whoami"], { home, env: against(fake) })
      assert.strictEqual(run.code, 0, run.stderr)
      assert.include(run.stderr, `Warning: ${configPath(home)} holds a token and other users may read it (mode 0644)`)
      assert.notInclude(run.stdout + run.stderr, token)
      fs.chmodSync(configPath(home), 0o600)
      const quiet = yield* cli(["whoami"], { home, env: against(fake) })
      assert.notInclude(quiet.stderr, "Warning")
    }))

  it.scopedLive(
    "demo against a configured Plex runs whoami, transient-token and source-info, without the fake's notice",
    () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const token = Redacted.value(yield* fake.issueToken("demo"))
        const run = yield* cli(["demo"], {
          home: freshHome(),
          env: { ...against(fake), PLEX_TOKEN: token, PLEX_SOURCE: PlexFake.demoSource.source }
        })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.notInclude(run.stderr, "No Plex configured")
        for (const step of ["[1/3] whoami", "[2/3] transient-token", "[3/3] source-info"]) {
          assert.include(run.stdout, step)
        }
        assert.notInclude(run.stdout + run.stderr, token)
      }),
    30_000
  )

  describe("JWT device auth", () => {
    const exchangesIn = (journal: ReadonlyArray<PlexFake.JournalEntry>) =>
      journal.filter((e) => e.path === "/clients/api/v2/auth/token").length
    const saved = (home: string) =>
      JSON.parse(fs.readFileSync(configPath(home), "utf8")) as {
        token?: string
        jwt?: { token: string; expiresAt: string }
      }
    const keyFile = (home: string) => path.join(home, "config", "effect-plex", "device-key.json")

    it.scopedLive(
      "`jwt` upgrades the saved classic token; later commands renew it before expiry and after a 498, and keep it",
      () =>
        Effect.gen(function*() {
          const fake = yield* PlexFake.serve()
          const home = freshHome()
          const classic = Redacted.value(yield* fake.issueToken("demo"))
          fs.mkdirSync(path.dirname(configPath(home)), { recursive: true, mode: 0o700 })
          fs.writeFileSync(configPath(home), JSON.stringify({ token: classic }), { mode: 0o600 })
          const env = against(fake)

          const upgrade = yield* cli(["jwt"], { home, env })
          assert.strictEqual(upgrade.code, 0, upgrade.stderr)
          assert.include(upgrade.stdout, "Upgraded to a Plex JWT")
          assert.include(upgrade.stderr, "Plex JWT saved")
          assert.strictEqual(fs.statSync(keyFile(home)).mode & 0o777, 0o600)
          const first = saved(home).jwt!
          assert.isString(first.token)
          const privateKey = (JSON.parse(fs.readFileSync(keyFile(home), "utf8")) as { privateKey: string }).privateKey
          const outputs = [upgrade.stdout + upgrade.stderr]

          const whoami = yield* cli(["whoami", "--json"], { home, env })
          assert.strictEqual(whoami.code, 0, whoami.stderr)
          assert.strictEqual((JSON.parse(whoami.stdout) as { username: string }).username, "demo")
          assert.strictEqual(exchangesIn(yield* fake.journal), 1)
          outputs.push(whoami.stdout + whoami.stderr)

          // A day before expiry, the next command renews it and keeps the new one.
          const config = saved(home)
          config.jwt!.expiresAt = new Date(Date.now() + 3600_000).toISOString()
          fs.writeFileSync(configPath(home), JSON.stringify(config), { mode: 0o600 })
          const renewing = yield* cli(["whoami"], { home, env })
          assert.strictEqual(renewing.code, 0, renewing.stderr)
          assert.strictEqual(exchangesIn(yield* fake.journal), 2)
          const second = saved(home).jwt!
          assert.notStrictEqual(second.token, first.token)
          outputs.push(renewing.stdout + renewing.stderr)

          // Plex ends it early: the 498 renews it, and the command still succeeds.
          yield* fake.expireJwts
          const afterExpiry = yield* cli(["transient-token"], { home, env })
          assert.strictEqual(afterExpiry.code, 0, afterExpiry.stderr)
          assert.strictEqual(exchangesIn(yield* fake.journal), 3)
          assert.notStrictEqual(saved(home).jwt!.token, second.token)
          outputs.push(afterExpiry.stdout + afterExpiry.stderr)

          for (const output of outputs) {
            for (const secret of [privateKey, classic, first.token, second.token, saved(home).jwt!.token]) {
              assert.notInclude(output, secret)
            }
          }
        }),
      30_000
    )

    it.scopedLive(
      "`login --jwt` signs in with the JWT PIN flow: no classic token, the key kept, the JWT saved",
      () =>
        Effect.gen(function*() {
          const fake = yield* PlexFake.serve()
          const home = freshHome()
          const running = yield* Effect.fork(cli(["login", "--jwt"], { home, env: against(fake) }))
          // The fake numbers its PINs from 100001; approve it once the CLI has created it.
          while (!(yield* fake.journal).some((e) => e.path === "/clients/api/v2/pins")) yield* Effect.sleep("50 millis")
          yield* fake.claimPin(100_001, "demo")
          const login = yield* Fiber.join(running)
          assert.strictEqual(login.code, 0, login.stderr)
          assert.include(login.stdout, "Signed in")
          const config = saved(home)
          assert.isUndefined(config.token)
          assert.isString(config.jwt?.token)
          assert.strictEqual(fs.statSync(keyFile(home)).mode & 0o777, 0o600)
          assert.notInclude(login.stdout + login.stderr, config.jwt!.token)
          const whoami = yield* cli(["whoami"], { home, env: against(fake) })
          assert.strictEqual(whoami.code, 0, whoami.stderr)
          // `jwt` has no classic token to upgrade now, and says so.
          const again = yield* cli(["jwt"], { home, env: against(fake) })
          assert.strictEqual(again.code, 2)
          assert.include(again.stderr, "already signed in with a Plex JWT")
        }),
      30_000
    )

    it.live(
      "a saved JWT without its device key says what to do, and a world-readable key is refused",
      () =>
        Effect.gen(function*() {
          const fake = yield* PlexFake.serve().pipe(Effect.scoped)
          const home = freshHome()
          fs.mkdirSync(path.dirname(configPath(home)), { recursive: true, mode: 0o700 })
          const jwt = {
            token: "eyJ.fake.jwt",
            expiresAt: "2099-01-01T00:00:00.000Z",
            scopes: [],
            claims: { iss: "plex.tv", aud: [], thumbprint: "k", iat: 0, exp: 0 }
          }
          fs.writeFileSync(configPath(home), JSON.stringify({ jwt }), { mode: 0o600 })
          const missing = yield* cli(["whoami"], { home, env: against(fake) })
          assert.strictEqual(missing.code, 1)
          assert.include(missing.stderr, "no device key beside it: run `effect-plex login --jwt`")
          fs.writeFileSync(keyFile(home), "{}", { mode: 0o644 })
          fs.chmodSync(keyFile(home), 0o644)
          const exposed = yield* cli(["whoami"], { home, env: against(fake) })
          assert.strictEqual(exposed.code, 1)
          assert.include(exposed.stderr, "other users may read it")
        }),
      30_000
    )
  })
})
