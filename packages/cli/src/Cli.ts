/**
 * The `effect-plex` commands: signin, whoami, transient-token, source-info,
 * and demo (the main job), each against a real Plex when one is configured
 * and against the embedded fake otherwise.
 */
import * as Home from "@effect-plex/client/Home"
import * as Jwt from "@effect-plex/client/Jwt"
import * as KeyStore from "@effect-plex/client/KeyStore"
import * as Pin from "@effect-plex/client/Pin"
import * as Credentials from "@effect-plex/client/PlexCredentials"
import { getResources, isServer } from "@effect-plex/client/Resource"
import * as Retry from "@effect-plex/client/Retry"
import { connect } from "@effect-plex/client/ServerConnection"
import { signIn } from "@effect-plex/client/SignIn"
import { getSourceConnectionInformation } from "@effect-plex/client/SourceConnection"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import { ping, signOut } from "@effect-plex/client/TokenLifecycle"
import { getTransientToken } from "@effect-plex/client/TransientToken"
import * as PlexFake from "@effect-plex/testing/PlexFake"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ConfigFile from "./ConfigFile.js"
import { notSignedIn } from "./ErrorReport.js"
import * as Output from "./Output.js"
import * as Prompts from "./Prompts.js"
import { json, visible } from "./SafeText.js"
import * as Settings from "./Settings.js"
import { Stdio } from "./Stdio.js"

const common = {
  json: Options.boolean("json").pipe(Options.withDescription("Print one JSON document instead of a table")),
  verbose: Options.boolean("verbose").pipe(Options.withDescription("On failure, print the full cause")),
  fake: Options.boolean("fake").pipe(
    Options.withDescription("Use the embedded fake Plex even if a real one is configured")
  ),
  serverUrl: Options.text("server-url").pipe(
    Options.optional,
    Options.withDescription("Plex Media Server URL (PLEX_SERVER_URL)")
  ),
  plexTvUrl: Options.text("plex-tv-url").pipe(
    Options.optional,
    Options.withDescription("plex.tv API base (PLEX_TV_URL)")
  ),
  clientId: Options.text("client-id").pipe(
    Options.optional,
    Options.withDescription("X-Plex-Client-Identifier (PLEX_CLIENT_IDENTIFIER)")
  ),
  showToken: Options.boolean("show-token").pipe(Options.withDescription("Print tokens instead of hiding them"))
}

type CommonFlags = Settings.Flags & Output.OutputFlags

export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

export class NotSignedIn extends Data.TaggedError("NotSignedIn") {
  override get message() {
    return notSignedIn
  }
}

/** `signout` forgot the token here but could not end it at Plex: it may still work. */
export class SignOutIncomplete
  extends Data.TaggedError("SignOutIncomplete")<{ readonly cause: { readonly message: string } }>
{
  override get message() {
    return `forgot the token here, but Plex did not end it (${this.cause.message}): it may still work until you sign out at plex.tv`
  }
}

const isDeadToken = (error: { readonly _tag: string }) => error._tag === "Unauthorized" || error._tag === "TokenExpired"

export class NoDeviceKey extends Data.TaggedError("NoDeviceKey") {
  override get message() {
    return "the saved Plex JWT has no device key beside it: run `effect-plex login --jwt`"
  }
}

/**
 * What a command needs: `token` any token (the saved Plex JWT, renewed as
 * needed, else the classic one), `classic` the classic token, `none` nothing.
 */
type Needs = "none" | "token" | "classic"

/**
 * Runs `body` with an HttpClient and PlexCredentials for the configured Plex,
 * or for the embedded fake: with `--fake`, or for `demo` when nothing is
 * configured. With a saved Plex JWT, the credentials renew it a day before it
 * expires (or on a 498), and keep the renewed one.
 */
const withPlex = <A, E, R>(
  flags: CommonFlags,
  needs: Needs,
  body: (fake: Option.Option<PlexFake.PlexFakeService>) => Effect.Effect<A, E, R>,
  fakeWhenUnconfigured = false
) =>
  Effect.scoped(Effect.gen(function*() {
    const settings = yield* Settings.resolve(flags, fakeWhenUnconfigured)
    const useJwt = needs === "token" && !settings.useFake && Option.isSome(settings.jwt)
    if (
      needs === "classic" && !settings.useFake && settings.credentials.token === undefined &&
      Option.isSome(settings.jwt)
    ) {
      return yield* new UsageError({
        message: "already signed in with a Plex JWT, which renews itself; `effect-plex jwt` upgrades a classic token"
      })
    }
    if (needs !== "none" && !settings.useFake && !useJwt && settings.credentials.token === undefined) {
      return yield* new NotSignedIn()
    }
    let credentials = settings.credentials
    let fake = Option.none<PlexFake.PlexFakeService>()
    if (settings.useFake) {
      const served = yield* PlexFake.serve()
      fake = Option.some(served)
      yield* Console.error(
        `No Plex configured: using the embedded fake Plex at ${served.serverUrl} (sign in as ${PlexFake.demoAccount.username} / ${PlexFake.demoAccount.password})`
      )
      credentials = {
        ...credentials,
        token: needs !== "none" ? yield* served.issueToken(PlexFake.demoAccount.username) : undefined,
        plexTvUrl: served.plexTvUrl,
        clientsUrl: served.clientsUrl,
        serverUrl: served.serverUrl
      }
    }
    const http = NodeHttpClient.layerUndici
    const classic = Credentials.layer(useJwt ? { ...credentials, token: undefined } : credentials)
    const plex = useJwt ? yield* renewingJwt(Option.getOrThrow(settings.jwt), classic, http) : classic
    return yield* Effect.provide(body(fake), Layer.merge(plex, http))
  }))

const renewingJwt = (
  saved: Jwt.PlexJwt,
  classic: Layer.Layer<Credentials.PlexCredentials, Credentials.InvalidCredentials>,
  http: Layer.Layer<HttpClient.HttpClient>
) =>
  Effect.gen(function*() {
    const key = yield* Effect.flatMap(
      KeyStore.load(),
      Option.match({ onNone: () => new NoDeviceKey(), onSome: Effect.succeed })
    )
    const context = yield* Effect.context<FileSystem.FileSystem | Path.Path>()
    const keep = (jwt: Jwt.PlexJwt) =>
      ConfigFile.save({ jwt }).pipe(
        Effect.catchAll((error) => Console.error(visible(`The renewed Plex JWT could not be kept: ${error.message}`))),
        Effect.provide(context)
      )
    return Jwt.layer({ key, initial: saved, onRenewed: keep }).pipe(Layer.provide(classic), Layer.provide(http))
  })

const signInWithPrompts = (
  login: Option.Option<string>,
  code: Option.Option<string>,
  password?: Redacted.Redacted<string>
) =>
  Effect.gen(function*() {
    const user = Option.isSome(login) ? login.value : yield* Prompts.text("Plex login (username or e-mail)")
    const secret = password ?? (yield* Prompts.secret("Password"))
    const attempt = (verificationCode: string | undefined) =>
      signIn({ login: user, password: secret, verificationCode }).pipe(Retry.retry())
    return yield* attempt(Option.getOrUndefined(code)).pipe(
      Effect.catchTag("VerificationCodeRequired", (error) =>
        Option.isSome(code)
          ? Effect.fail(error)
          : Prompts.secret("Verification code").pipe(
            Effect.catchTag("NoInput", () => Effect.fail(error)),
            Effect.flatMap((entered) => attempt(Redacted.value(entered)))
          ))
    )
  })

const signin = Command.make("signin", {
  ...common,
  login: Options.text("login").pipe(
    Options.optional,
    Options.withDescription("Username or e-mail (prompted when absent)")
  ),
  code: Options.text("code").pipe(Options.optional, Options.withDescription("Two-factor verification code")),
  save: Options.boolean("save").pipe(Options.withDescription("Save the token to the config file (mode 0600)")),
  passwordStdin: Options.boolean("password-stdin").pipe(
    Options.withDescription("Read the password from standard input (all of it, up to 64 KiB) instead of prompting")
  )
}, (flags) =>
  withPlex(flags, "none", (fake) =>
    Effect.gen(function*() {
      if (flags.passwordStdin && Option.isNone(flags.login)) {
        return yield* new UsageError({
          message: "--password-stdin needs --login: standard input holds only the password"
        })
      }
      if (flags.save && Option.isNone(fake)) yield* ConfigFile.ensureWritable
      const password = flags.passwordStdin ? yield* Prompts.secretFromStdin("password") : undefined
      const account = yield* signInWithPrompts(flags.login, flags.code, password)
      yield* Output.account(flags, "Signed in", account)
      if (flags.save) yield* saveToken(fake, account.authToken)
    }))).pipe(Command.withDescription("Sign in with a login and password; prompts for them, and for a 2FA code"))

const whoami = Command.make(
  "whoami",
  common,
  (flags) =>
    withPlex(
      flags,
      "token",
      () =>
        Effect.flatMap(getTokenDetails().pipe(Retry.retry()), (account) => Output.account(flags, "Token of", account))
    )
).pipe(Command.withDescription("Show the account the token belongs to"))

const transientToken = Command.make(
  "transient-token",
  common,
  (flags) =>
    withPlex(
      flags,
      "token",
      () => Effect.flatMap(getTransientToken().pipe(Retry.retry()), (token) => Output.transientToken(flags, token))
    )
).pipe(Command.withDescription("Get a short-lived token from the Plex Media Server"))

const homeList = Command.make(
  "home",
  common,
  (flags) =>
    withPlex(
      flags,
      "token",
      () => Effect.flatMap(Home.getUsers().pipe(Retry.retry()), (users) => Output.homeUsers(flags, users))
    )
).pipe(
  Command.withDescription("List the users of your Plex Home")
)

// A Home user by title, username or uuid, as `home` lists them.
const findHomeUser = (users: ReadonlyArray<Home.HomeUser>, wanted: string) =>
  users.find((u) =>
    u.uuid === wanted ||
    [u.title, u.username].some((name) => Option.exists(name, (n) => n.toLowerCase() === wanted.toLowerCase()))
  )

const homeSwitch = Command.make("switch", {
  ...common,
  user: Args.text({ name: "user" }).pipe(Args.withDescription("The Home user's title, username or uuid")),
  pinStdin: Options.boolean("pin-stdin").pipe(
    Options.withDescription("Read the profile's PIN from standard input instead of prompting")
  )
}, (flags) =>
  withPlex(flags, "token", () =>
    Effect.gen(function*() {
      const users = yield* Home.getUsers().pipe(Retry.retry())
      const user = findHomeUser(users, flags.user)
      if (user === undefined) {
        return yield* new UsageError({
          message: visible(`no Home user '${flags.user}': \`effect-plex home\` lists them`)
        })
      }
      const pin = !user.protected
        ? undefined
        : flags.pinStdin
        ? yield* Prompts.secretFromStdin("PIN")
        : yield* Prompts.secret("PIN")
      const switched = yield* Home.switchUser(user, { pin })
      yield* Output.account(flags, "Switched to", switched.account)
    }))).pipe(Command.withDescription("Act as a user of your Plex Home; asks for the profile's PIN when it has one"))

const home = homeList.pipe(Command.withSubcommands([homeSwitch]))

const sourceInfo = Command.make("source-info", {
  ...common,
  source: Args.text({ name: "source" }).pipe(Args.withDescription("e.g. server://<machineIdentifier>"))
}, (flags) =>
  withPlex(flags, "token", () =>
    Effect.flatMap(
      getSourceConnectionInformation({ source: flags.source }).pipe(Retry.retry()),
      (device) => Output.device(flags, device)
    ))).pipe(Command.withDescription("Show how to reach a source the server knows"))

// A new classic token replaces a saved Plex JWT, which would otherwise win.
const saveToken = (fake: Option.Option<PlexFake.PlexFakeService>, token: Redacted.Redacted<string>) =>
  Option.isSome(fake)
    ? Console.error("Not saved: that token belongs to the embedded fake Plex")
    : Effect.flatMap(
      ConfigFile.save({ token, jwt: undefined }),
      (file) => Console.error(visible(`Token saved to ${file} (mode 0600)`))
    )

const saveJwt = (fake: Option.Option<PlexFake.PlexFakeService>, jwt: Jwt.PlexJwt) =>
  Option.isSome(fake)
    ? Console.error("Not saved: that Plex JWT belongs to the embedded fake Plex")
    : Effect.flatMap(
      ConfigFile.save({ jwt }),
      (file) => Console.error(visible(`Plex JWT saved to ${file} (mode 0600); it renews itself before it expires`))
    )

/** The device key: kept beside the config for a real Plex, a throwaway one for the fake. */
const deviceKey = (fake: Option.Option<PlexFake.PlexFakeService>) =>
  Option.isSome(fake) ? Jwt.generateKey() : KeyStore.loadOrCreate()

const progress = (pin: Pin.Pin) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const left = Option.match(pin.expiresAt, {
      onNone: () => "",
      onSome: (at) => ` (expires in ${Math.max(0, Math.round((DateTime.toEpochMillis(at) - now) / 1000))} s)`
    })
    return Effect.flatMap(
      Stdio,
      (stdio) => stdio.stderrIsTTY ? stdio.drawOnStderr(`\rWaiting for approval…${left}   `) : Effect.void
    )
  })

const login = Command.make("login", {
  ...common,
  short: Options.boolean("short").pipe(
    Options.withDescription("A 4-character code for plex.tv/link instead of an Auth App link")
  ),
  jwt: Options.boolean("jwt").pipe(
    Options.withDescription("Sign in for a Plex JWT with this device's key (kept beside the config), no classic token")
  )
}, (flags) =>
  withPlex(flags, "none", (fake) =>
    Effect.gen(function*() {
      if (Option.isNone(fake)) yield* ConfigFile.ensureWritable
      const key = flags.jwt ? yield* deviceKey(fake) : undefined
      const pin = yield* Pin.createPin({ strong: !flags.short, key })
      const url = yield* Pin.authAppUrl(pin)
      yield* Console.error(
        flags.short
          ? `Go to https://plex.tv/link and enter ${visible(pin.code)}`
          : `Open this link to sign in:\n  ${visible(url)}`
      )
      if (Option.isSome(fake)) {
        yield* Console.error(`The embedded fake Plex approves it as ${PlexFake.demoAccount.username} in a moment.`)
        yield* Effect.fork(Effect.delay(fake.value.claimPin(pin.id, PlexFake.demoAccount.username), "1500 millis"))
      }
      const token = yield* Pin.waitForToken(pin, { onPoll: progress })
      const stdio = yield* Stdio
      if (stdio.stderrIsTTY) yield* stdio.drawOnStderr("\n")
      const account = yield* getTokenDetails().pipe(Retry.retry(), Credentials.withToken(token))
      yield* Output.account(flags, "Signed in", account)
      if (key === undefined) return yield* saveToken(fake, token)
      const jwt = yield* Jwt.verifyToken(token, key).pipe(Retry.retry())
      yield* saveJwt(fake, jwt)
    }))).pipe(
    Command.withDescription("Sign in with a PIN in the browser (Plex's Auth App): no password here, 2FA and SSO work")
  )

const jwtCommand = Command.make("jwt", common, (flags) =>
  withPlex(flags, "classic", (fake) =>
    Effect.gen(function*() {
      if (Option.isNone(fake)) yield* ConfigFile.ensureWritable
      const key = yield* deviceKey(fake)
      yield* Jwt.registerKey(key).pipe(Retry.retry())
      const jwt = yield* Jwt.exchange(key).pipe(Retry.retry())
      yield* Output.jwt(flags, "Upgraded to a Plex JWT", key, jwt)
      yield* saveJwt(fake, jwt)
    }))).pipe(
    Command.withDescription(
      "Move the saved classic token to a Plex JWT: makes and registers a device key, and keeps a JWT that renews itself"
    )
  )

const servers = Command.make("servers", common, (flags) =>
  withPlex(flags, "token", () =>
    Effect.gen(function*() {
      const found = (yield* getResources().pipe(Retry.retry())).filter(isServer)
      const results = yield* Effect.forEach(
        found,
        (server) => Effect.map(Effect.either(connect(server)), (r) => [server, r] as const),
        {
          concurrency: "unbounded"
        }
      )
      yield* Output.servers(flags, results)
    }))).pipe(Command.withDescription("List your servers, race their connections, and show the one chosen"))

const pingCommand = Command.make(
  "ping",
  common,
  (flags) =>
    withPlex(flags, "token", () =>
      Effect.zipRight(
        ping().pipe(Retry.retry()),
        flags.json ? Console.log(JSON.stringify({ ok: true })) : Console.log("Token refreshed.")
      ))
).pipe(Command.withDescription("Keep the token alive"))

const signout = Command.make("signout", common, (flags) =>
  withPlex(flags, "token", (fake) =>
    Effect.gen(function*() {
      // The local credential is forgotten whatever Plex answers, as `gh auth
      // logout` does: a token Plex no longer accepts is already signed out.
      const ended = yield* Effect.either(signOut())
      if (Option.isNone(fake)) yield* ConfigFile.save({ token: undefined, jwt: undefined })
      if (ended._tag === "Right" || isDeadToken(ended.left)) {
        return yield* flags.json
          ? Console.log(JSON.stringify({ ok: true }))
          : Console.log(
            ended._tag === "Right"
              ? "Signed out; the token no longer works."
              : "Plex no longer accepted the token; it is forgotten here."
          )
      }
      return yield* new SignOutIncomplete({ cause: ended.left })
    }))).pipe(Command.withDescription("End the token, and forget it"))

const step = (flags: Output.OutputFlags, n: number, total: number, title: string) =>
  flags.json ? Effect.void : Console.log(`\n[${n}/${total}] ${title}`)

const demoSteps = (flags: CommonFlags) =>
  Effect.gen(function*() {
    yield* step(flags, 1, 4, `signin as ${PlexFake.demoAccount.username}`)
    const account = yield* signInWithPrompts(
      Option.some(PlexFake.demoAccount.username),
      Option.none(),
      Redacted.make(PlexFake.demoAccount.password)
    )
    yield* Output.account(flags, "Signed in", account)
    const signedIn = Credentials.withToken(account.authToken)
    yield* step(flags, 2, 4, "whoami")
    yield* Effect.flatMap(getTokenDetails().pipe(Retry.retry(), signedIn), (a) => Output.account(flags, "Token of", a))
    yield* step(flags, 3, 4, "transient-token")
    const transient = yield* getTransientToken().pipe(Retry.retry(), signedIn)
    yield* Output.transientToken(flags, transient)
    yield* step(flags, 4, 4, `source-info ${PlexFake.demoSource.source}`)
    const device = yield* getSourceConnectionInformation({ source: PlexFake.demoSource.source }).pipe(
      Retry.retry(),
      Credentials.withToken(transient.token)
    )
    yield* Output.device(flags, device)
  })

const realDemoSteps = (flags: CommonFlags) =>
  Effect.gen(function*() {
    const source = yield* Settings.demoSource
    const total = Option.isSome(source) ? 3 : 2
    yield* step(flags, 1, total, "whoami")
    yield* Effect.flatMap(getTokenDetails().pipe(Retry.retry()), (a) => Output.account(flags, "Token of", a))
    yield* step(flags, 2, total, "transient-token")
    yield* Effect.flatMap(getTransientToken().pipe(Retry.retry()), (t) => Output.transientToken(flags, t))
    if (Option.isNone(source)) return
    yield* step(flags, 3, total, `source-info ${visible(source.value)}`)
    yield* Effect.flatMap(
      getSourceConnectionInformation({ source: source.value }).pipe(Retry.retry()),
      (device) => Output.device(flags, device)
    )
  })

const demo = Command.make("demo", common, (flags) =>
  withPlex(flags, "token", (fake) =>
    Effect.gen(function*() {
      // With --json, every step's result goes into one document.
      const results: Array<Record<string, unknown>> = []
      const stepFlags = flags.json ? { ...flags, collect: results } : flags
      if (Option.isSome(fake)) yield* demoSteps(stepFlags)
      else yield* realDemoSteps(stepFlags)
      if (flags.json) yield* Console.log(json({ steps: results }))
    }), true)).pipe(Command.withDescription("Run sign-in, whoami, transient token and source info end to end"))

export const command = Command.make("effect-plex").pipe(
  Command.withDescription("Plex authentication from the command line, built on effect-plex"),
  Command.withSubcommands([
    signin,
    login,
    jwtCommand,
    whoami,
    transientToken,
    sourceInfo,
    servers,
    home,
    pingCommand,
    signout,
    demo
  ])
)

const cli = Command.run(command, { name: "effect-plex", version: "0.1.0" })

// @effect/cli has no settings for two things its help gets wrong: a
// subcommand's usage line lacks the program name (`$ signin …`), and every
// flag's help opens with its type ("A true or false value.") before the
// flag's own description. Help is the only output with such lines, so they are
// mended on the way out.
const helpConsole = Effect.map(Effect.console, (console): Console.Console => ({
  ...console,
  log: (...args) => console.log(...args.map((arg) => typeof arg === "string" ? mendHelp(arg) : arg)),
  unsafe: {
    ...console.unsafe,
    log: (...args) => console.unsafe.log(...args.map((arg) => typeof arg === "string" ? mendHelp(arg) : arg))
  }
}))
const mendHelp = (text: string) =>
  text.replace(/^\$ (?!effect-plex\b)/gm, "$ effect-plex ").replace(
    /^ {2}(A true or false value|A user-defined piece of text)\.\n\n/gm,
    ""
  )

export const run = (args: ReadonlyArray<string>) =>
  Effect.flatMap(helpConsole, (console) => Effect.withConsole(cli(args), console))
