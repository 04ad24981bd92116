/**
 * A stateful fake of plex.tv and the Plex Media Server that answers like the
 * real services: sign-in with 2FA and lock-out, token details, transient
 * tokens that expire on the Effect `Clock`, source connection information,
 * injectable faults, and a journal of requests with secrets masked.
 *
 * It has two faces: `layer` is an in-memory `HttpClient` (no sockets), and
 * `serve` is a real HTTP server on 127.0.0.1 that any client can call.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
 * import { getTokenDetails } from "@effect-plex/client/TokenDetails"
 * import * as PlexFake from "@effect-plex/testing/PlexFake"
 *
 * const test = Effect.gen(function*() {
 *   const fake = yield* PlexFake.PlexFake
 *   const token = yield* fake.issueToken("demo")
 *   return yield* getTokenDetails().pipe(
 *     Effect.provide(PlexCredentials.layer({ clientIdentifier: "test", token }))
 *   )
 * }).pipe(Effect.provide(PlexFake.layer()))
 * ```
 *
 * @since 0.1.0
 */
import type { AccountSpec } from "@effect-plex/core/fake/Account"
import * as defaults from "@effect-plex/core/fake/Defaults"
import { serverMachineIdentifier } from "@effect-plex/core/fake/Routes"
import {
  type ConnectionBehavior,
  type ConnectionSpec,
  FakeState,
  type Fault,
  type HomeMember,
  type JournalEntry,
  type Route,
  type SourceSpec
} from "@effect-plex/core/fake/State"
import type { FakeRequest, FakeResponse } from "@effect-plex/core/fake/Wire"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { type Bases, clientsUrlOf, handle } from "./internal/handler.js"
import { inMemoryClient } from "./internal/memoryClient.js"
import { serveOnLoopback } from "./internal/server.js"

export type {
  /**
   * Where the fake answers: the plex.tv API base and the Plex Media Server's.
   *
   * @since 0.1.0
   */
  Bases,
  /**
   * How one connection behaves: see `Connections`.
   *
   * @since 0.1.0
   */
  ConnectionBehavior,
  /**
   * One connection of the fake server, as listed by `/resources`.
   *
   * @since 0.1.0
   */
  ConnectionSpec,
  /**
   * A request as the fake sees it: method, URL, lower-case headers, body.
   *
   * @since 0.1.0
   */
  FakeRequest,
  /**
   * The fake's answer: a reply (optionally broken off), a non-text body, or a
   * dropped connection.
   *
   * @since 0.1.0
   */
  FakeResponse,
  /**
   * A fault to inject into a route.
   *
   * @since 0.1.0
   */
  Fault,
  /**
   * A member of the fake's Home: an account, with a PIN or not.
   *
   * @since 0.2.0
   */
  HomeMember,
  /**
   * One request the fake received, with the token, password and code masked.
   *
   * @since 0.1.0
   */
  JournalEntry,
  /**
   * A route of the fake, to inject a fault into: plex.tv's `signin`, `user`,
   * `createPin`, `getPin`, `linkPin`, `homeUsers`, `switchHomeUser`,
   * `resources`, `ping` and `signout`;
   * clients.plex.tv's `registerKey`, `jwtNonce`, `exchangeJwt` and `jwtKeys`;
   * the Plex Media Server's `transientToken`, `sourceResources` and
   * `identity`.
   *
   * @since 0.1.0
   */
  Route,
  /**
   * A source the fake PMS knows, for getSourceConnectionInformation.
   *
   * @since 0.1.0
   */
  SourceSpec
}

/**
 * The machine identifier of the fake Plex Media Server.
 *
 * @since 0.1.0
 * @category constants
 */
export const machineIdentifier = serverMachineIdentifier

/**
 * An account of the fake plex.tv.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeAccount {
  readonly username: string
  readonly email?: string | undefined
  readonly password: string
  /** When set, the account has two-factor auth and sign-in needs this code. */
  readonly verificationCode?: string | undefined
  readonly id?: number | undefined
  readonly uuid?: string | undefined
  readonly title?: string | undefined
  /** Owns the fake PMS, so its tokens may read source connection information. Default true. */
  readonly serverAdmin?: boolean | undefined
  readonly plexPass?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PlexFakeOptions {
  /** Default: one account, `demo` / `demo@example.com`, password `plex-demo-password`, no 2FA. */
  readonly accounts?: ReadonlyArray<FakeAccount> | undefined
  /** Failed sign-ins from one client identifier before Plex answers 1031. Default 5. */
  readonly lockoutAfter?: number | undefined
  /** How long a lock-out lasts after the last failure. Default 15 minutes. */
  readonly lockoutDuration?: Duration.DurationInput | undefined
  /** How many journal entries to keep, newest last. Default 10,000. */
  readonly journalLimit?: number | undefined
  /** Sources for getSourceConnectionInformation. Default: one shared server. */
  readonly sources?: ReadonlyArray<SourceSpec> | undefined
  /** The fake server's connections, as `/resources` lists them. Default: a local, a remote and a relay one. */
  readonly connections?: ReadonlyArray<ConnectionSpec> | undefined
  /**
   * The Home of the first account (its admin): the other accounts in it, by
   * username, each with a PIN or not, restricted or not, managed or not.
   * Default: no members.
   */
  readonly home?: ReadonlyArray<HomeMember> | undefined
  /** Switches to Home users a minute before a 429 with `Retry-After: 60` (invented: Plex publishes none). Default 20. */
  readonly homeSwitchBurst?: number | undefined
  /** JWT nonces one client identifier may fetch per minute before a 429. Default 10. */
  readonly nonceBurst?: number | undefined
}

/**
 * The account the fake has when none is given: `demo` / `demo@example.com`,
 * password `plex-demo-password`, no 2FA.
 *
 * @since 0.1.0
 * @category constants
 */
export const demoAccount: typeof defaults.demoAccount = defaults.demoAccount

/**
 * The source the fake PMS knows when none is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const demoSource: SourceSpec = defaults.demoSource

/**
 * @since 0.1.0
 * @category models
 */
export interface PlexFakeService {
  /** Where the fake plex.tv answers: point `PlexCredentials.plexTvUrl` here. */
  readonly plexTvUrl: string
  /** Where the fake PMS answers: point `PlexCredentials.serverUrl` here. */
  readonly serverUrl: string
  /** Where the fake clients.plex.tv (the JWT endpoints) answers: point `PlexCredentials.clientsUrl` here. */
  readonly clientsUrl: string
  /** Answers one request. Both faces call this. */
  readonly handle: (request: FakeRequest) => Effect.Effect<FakeResponse>
  /** Signs an account in without a password, as test set-up. */
  readonly issueToken: (login: string) => Effect.Effect<Redacted.Redacted<string>>
  /** Turns two-factor auth on (with this code) or off (`undefined`). */
  readonly setVerificationCode: (login: string, code: string | undefined) => Effect.Effect<void>
  /** Makes a token unknown from now on, as when a user removes the device. */
  readonly revokeToken: (token: Redacted.Redacted<string> | string) => Effect.Effect<void>
  /** Restarts the fake PMS: every transient token is gone. */
  readonly restartServer: Effect.Effect<void>
  /** Queues a fault on a route for the next `times` requests (default: until `clearFaults`). */
  readonly inject: (
    route: Route,
    fault: Fault,
    options?: { readonly times?: number | undefined }
  ) => Effect.Effect<void>
  readonly clearFaults: Effect.Effect<void>
  /**
   * Approves a PIN (by id or code) for an account, as the user would in the
   * Auth App. A PIN of the JWT flow then carries a Plex JWT, and its device
   * key counts as registered.
   */
  readonly claimPin: (pin: number | string, login: string) => Effect.Effect<void>
  /**
   * Plex rotates the keys it signs JWTs with: a new key signs from now on.
   * With `retire`, `/auth/keys` stops listing the older ones.
   */
  readonly rotateSigningKey: (options?: { readonly retire?: boolean | undefined }) => Effect.Effect<void>
  /** Every Plex JWT issued so far expires now, earlier than its `exp`: Plex answers 498 to it. */
  readonly expireJwts: Effect.Effect<void>
  /** Makes one of the server's connections answer normally, never, slowly, or refuse. */
  readonly setConnection: (uri: string, behavior: ConnectionBehavior) => Effect.Effect<void>
  /** The server's connections, as `/resources` lists them. */
  readonly connections: ReadonlyArray<ConnectionSpec>
  /** Every request so far, oldest first. */
  readonly journal: Effect.Effect<ReadonlyArray<JournalEntry>>
}

/**
 * @since 0.1.0
 * @category context
 */
export class PlexFake extends Context.Tag("@effect-plex/testing/PlexFake")<PlexFake, PlexFakeService>() {}

/**
 * Constructors for `Fault`s.
 *
 * @since 0.1.0
 * @category faults
 */
export const Faults = {
  /** Answer with this status (and `Retry-After`, e.g. `"7"` or an HTTP-date). */
  status: (
    status: number,
    options?: { readonly retryAfter?: string | undefined; readonly body?: string | undefined }
  ): Fault => ({
    _tag: "Status",
    status,
    retryAfter: options?.retryAfter,
    body: options?.body
  }),
  /** Wait on the Effect `Clock` before answering normally. */
  delay: (duration: Duration.DurationInput): Fault => ({ _tag: "Delay", millis: Duration.toMillis(duration) }),
  malformedBody: { _tag: "Body", kind: "malformed" } as Fault,
  emptyBody: { _tag: "Body", kind: "empty" } as Fault,
  htmlBody: { _tag: "Body", kind: "html" } as Fault,
  /** A 200 whose gzip-encoded body (32 KiB) inflates to 32 MiB. */
  gzipBomb: { _tag: "Body", kind: "gzipBomb" } as Fault,
  /** A 401 whose error message echoes the token and password it was sent, raw and percent-encoded. */
  echo: { _tag: "Echo" } as Fault,
  /** A 200 whose body breaks off after 20 bytes: the connection is reset. */
  breakBody: { _tag: "BreakBody" } as Fault,
  /** Close the connection without an answer. */
  drop: { _tag: "Drop" } as Fault
}

/**
 * Behaviours for `setConnection`.
 *
 * @since 0.1.0
 * @category faults
 */
export const Connections = {
  ok: { _tag: "Ok" } as ConnectionBehavior,
  /** Connection refused. */
  unreachable: { _tag: "Unreachable" } as ConnectionBehavior,
  /** Accepts, never answers. */
  hang: { _tag: "Hang" } as ConnectionBehavior,
  /** Answers after a delay on the Effect `Clock`. */
  slow: (duration: Duration.DurationInput): ConnectionBehavior => ({
    _tag: "Slow",
    millis: Duration.toMillis(duration)
  })
}

const accountSpec = (account: FakeAccount, index: number): AccountSpec => ({
  username: account.username,
  email: account.email ?? `${account.username}@example.com`,
  password: account.password,
  verificationCode: account.verificationCode,
  id: account.id ?? 10_000_000 + index,
  uuid: account.uuid ?? (0x5eed0000 + index).toString(16).padStart(16, "0"),
  title: account.title ?? account.username,
  serverAdmin: account.serverAdmin ?? true,
  plexPass: account.plexPass ?? index === 0
})

/**
 * The in-memory addresses of the fake: plex.tv's real base (so the client's
 * default works) and a PMS name that never resolves.
 *
 * @since 0.1.0
 * @category constants
 */
export const inMemoryBases: Bases = {
  plexTvUrl: "https://plex.tv/api/v2",
  serverUrl: "http://plex-fake.invalid:32400",
  clientsUrl: "https://clients.plex.tv/api/v2"
}

/**
 * Builds a fake answering at the given addresses.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: PlexFakeOptions = {},
  bases: Bases = inMemoryBases,
  defaultConnections: ReadonlyArray<ConnectionSpec> = defaults.inMemoryConnections(bases.serverUrl)
): Effect.Effect<PlexFakeService> =>
  Effect.sync(() => {
    const state = new FakeState(
      (options.accounts ?? [demoAccount]).map(accountSpec),
      options.sources ?? [demoSource],
      options.connections ?? defaultConnections,
      { nonceBurst: options.nonceBurst ?? 10 },
      options.home ?? []
    )
    const config = {
      journalLimit: options.journalLimit ?? 10_000,
      lockoutAfter: options.lockoutAfter ?? 5,
      lockoutMillis: Duration.toMillis(options.lockoutDuration ?? "15 minutes"),
      homeSwitchBurst: options.homeSwitchBurst ?? 20
    }
    const account = (login: string) => {
      const found = state.findAccount(login)
      if (found === undefined) throw new Error(`PlexFake has no account "${login}"`)
      return found
    }
    return {
      plexTvUrl: bases.plexTvUrl,
      serverUrl: bases.serverUrl,
      clientsUrl: clientsUrlOf(bases),
      handle: handle(state, config, bases),
      issueToken: (login) => Effect.sync(() => Redacted.make(state.issueToken(account(login)))),
      setVerificationCode: (login, code) =>
        Effect.sync(() => {
          const index = state.accounts.indexOf(account(login))
          state.accounts[index] = { ...state.accounts[index]!, verificationCode: code }
          for (const [token, owner] of state.tokens) {
            if (owner.username === login) state.tokens.set(token, state.accounts[index]!)
          }
        }),
      revokeToken: (token) =>
        Effect.sync(() => {
          const value = Redacted.isRedacted(token) ? Redacted.value(token) : token
          state.tokens.delete(value)
          state.transient.delete(value)
        }),
      restartServer: Effect.sync(() => {
        state.epoch++
        state.transient.clear()
      }),
      inject: (route, fault, injectOptions) =>
        Effect.sync(() => {
          const queue = state.faults.get(route) ?? []
          queue.push({ fault, remaining: injectOptions?.times ?? Number.POSITIVE_INFINITY })
          state.faults.set(route, queue)
        }),
      clearFaults: Effect.sync(() => state.faults.clear()),
      claimPin: (pin, login) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.promise(async () => {
            const found = [...state.pins.values()].find((p) => p.id === pin || p.code === pin)
            if (found === undefined) throw new Error(`PlexFake has no PIN ${pin}`)
            await state.claimPin(found, account(login), now)
          })),
      expireJwts: Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          for (const token of state.jwt.expiries.keys()) state.jwt.expiries.set(token, now)
        })),
      rotateSigningKey: (rotateOptions) => Effect.promise(() => state.jwt.rotate(rotateOptions?.retire ?? false)),
      setConnection: (uri, behavior) => Effect.sync(() => void state.behaviors.set(uri, behavior)),
      connections: state.connections,
      journal: Effect.sync(() => [...state.journal])
    }
  })

/**
 * An `HttpClient` that sends every request to the fake, in memory.
 *
 * @since 0.1.0
 * @category constructors
 */
export const httpClient = (fake: PlexFakeService): HttpClient.HttpClient => inMemoryClient(fake.handle)

/**
 * The in-memory face: `PlexFake` plus an `HttpClient` backed by it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: PlexFakeOptions = {}): Layer.Layer<PlexFake | HttpClient.HttpClient> =>
  Layer.effectContext(
    Effect.map(
      make(options),
      (fake) => Context.make(PlexFake, fake).pipe(Context.add(HttpClient.HttpClient, httpClient(fake)))
    )
  )

/**
 * The loopback face: a real HTTP server on 127.0.0.1, closed with the scope.
 * Port 0 (the default) picks a free port; the service's URLs name it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  options: PlexFakeOptions & { readonly port?: number | undefined } = {}
): Effect.Effect<PlexFakeService, ServeError, Scope.Scope> => {
  const port = options.port ?? 0
  return serveOnLoopback(
    port,
    (origin) =>
      make(options, { plexTvUrl: `${origin}/api/v2`, serverUrl: origin }, defaults.loopbackConnections(origin)),
    (error) => new ServeError({ port, reason: error.code ?? error.message })
  )
}

/**
 * `serve` could not listen on 127.0.0.1 at the port asked for: it is busy
 * (`EADDRINUSE`), forbidden (`EACCES`), or out of range.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServeError extends Schema.TaggedError<ServeError>("@effect-plex/testing/ServeError")("ServeError", {
  port: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `PlexFake.serve: cannot listen on 127.0.0.1:${this.port} (${this.reason})`
  }
}

/**
 * `serve` as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (
  options: PlexFakeOptions & { readonly port?: number | undefined } = {}
): Layer.Layer<PlexFake, ServeError> => Layer.scoped(PlexFake, serve(options))
