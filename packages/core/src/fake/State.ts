/**
 * The fake's mutable world. Every change goes through one of these methods,
 * called from inside an Effect, so both faces share one consistent state.
 *
 * @internal
 */
import type * as jose from "jose"
import type { AccountSpec } from "./Account.js"
import { type JwtConfig, JwtState } from "./Jwt.js"

/** Public as `PlexFake.Route`. */
export type Route =
  | "signin"
  | "user"
  | "transientToken"
  | "sourceResources"
  | "createPin"
  | "getPin"
  | "resources"
  | "ping"
  | "signout"
  | "identity"
  | "registerKey"
  | "jwtNonce"
  | "exchangeJwt"
  | "jwtKeys"
  | "linkPin"
  | "homeUsers"
  | "switchHomeUser"

/** How one connection of the fake server behaves. Public as `PlexFake.ConnectionBehavior`. */
export type ConnectionBehavior =
  | { readonly _tag: "Ok" }
  | { readonly _tag: "Unreachable" }
  | { readonly _tag: "Hang" }
  | { readonly _tag: "Slow"; readonly millis: number }

/** Public as `PlexFake.ConnectionSpec`. */
export interface ConnectionSpec {
  readonly uri: string
  readonly protocol: "http" | "https"
  readonly address: string
  readonly port: number
  readonly local: boolean
  readonly relay: boolean
}

/** @internal */
export interface PinState {
  readonly id: number
  readonly code: string
  readonly strong: boolean
  readonly product: string
  readonly clientIdentifier: string
  readonly createdAt: number
  readonly expiresAt: number
  /** The device key of a JWT PIN, whose polls it signs. */
  readonly jwk: jose.JWK | undefined
  claimedBy: AccountSpec | undefined
  token: string | undefined
}

/** A member of the fake's Home, by username among its accounts. Public as `PlexFake.HomeMember`. */
export interface HomeMember {
  readonly username: string
  /** The profile's PIN: switching to it needs this PIN. */
  readonly pin?: string | undefined
  readonly restricted?: boolean | undefined
  /** A managed user: no e-mail, and no password of its own. */
  readonly managed?: boolean | undefined
}

/** Public as `PlexFake.Fault`. */
export type Fault =
  | {
    readonly _tag: "Status"
    readonly status: number
    readonly retryAfter?: string | undefined
    readonly body?: string | undefined
  }
  | { readonly _tag: "Delay"; readonly millis: number }
  | { readonly _tag: "Body"; readonly kind: "malformed" | "empty" | "html" | "gzipBomb" }
  | { readonly _tag: "Echo" }
  | { readonly _tag: "BreakBody" }
  | { readonly _tag: "Drop" }

/** Public as `PlexFake.JournalEntry`. */
export interface JournalEntry {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly status: number | "dropped" | "interrupted"
}

/** Public as `PlexFake.SourceSpec`. */
export interface SourceSpec {
  readonly source: string
  readonly name: string
  readonly clientIdentifier: string
  readonly connections: ReadonlyArray<{
    readonly protocol: "http" | "https"
    readonly address: string
    readonly port: number
    readonly uri: string
    readonly local: boolean
    readonly relay: boolean
  }>
}

interface TransientToken {
  readonly account: AccountSpec
  readonly expiresAt: number
  readonly epoch: number
}

/** @internal */
export class FakeState {
  readonly accounts: Array<AccountSpec>
  readonly sources: ReadonlyArray<SourceSpec>
  readonly tokens = new Map<string, AccountSpec>()
  readonly transient = new Map<string, TransientToken>()
  readonly failures = new Map<string, { count: number; lastAt: number }>()
  readonly faults = new Map<Route, Array<{ fault: Fault; remaining: number }>>()
  readonly journal: Array<JournalEntry> = []
  readonly pins = new Map<number, PinState>()
  readonly behaviors = new Map<string, ConnectionBehavior>()
  readonly connections: ReadonlyArray<ConnectionSpec>
  readonly jwt: JwtState
  /** The Home's members besides its admin (the first account). */
  readonly home: ReadonlyArray<{ readonly member: HomeMember; readonly account: AccountSpec }>
  /** When each switch to a Home user happened, for the rate limit. */
  switches: Array<number> = []
  epoch = 0
  private counter = 0
  private pinCounter = 100_000

  constructor(
    accounts: ReadonlyArray<AccountSpec>,
    sources: ReadonlyArray<SourceSpec>,
    connections: ReadonlyArray<ConnectionSpec>,
    jwtConfig: JwtConfig,
    home: ReadonlyArray<HomeMember> = []
  ) {
    this.jwt = new JwtState(jwtConfig, this.tokens)
    this.accounts = [...accounts]
    this.home = home.map((member) => {
      const account = this.findAccount(member.username)
      if (account === undefined) throw new Error(`PlexFake has no account "${member.username}" for its Home`)
      return { member, account }
    })
    this.sources = sources
    this.connections = connections
    this.longestFirst = [...connections].sort((x, y) => y.uri.length - x.uri.length)
  }

  private readonly longestFirst: ReadonlyArray<ConnectionSpec>

  /** The connection whose URI prefixes this URL, the longest first. */
  connectionFor(url: URL): ConnectionSpec | undefined {
    const href = url.href
    return this.longestFirst.find((c) => href === c.uri || href.startsWith(`${c.uri.replace(/\/+$/, "")}/`))
  }

  createPin(
    strong: boolean,
    product: string,
    clientIdentifier: string,
    now: number,
    jwk: jose.JWK | undefined = undefined
  ): PinState {
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    const length = strong ? 25 : 4
    let code = ""
    for (let i = 0; i < length; i++) code += alphabet[Math.floor(Math.random() * alphabet.length)]
    const pin: PinState = {
      id: ++this.pinCounter,
      code,
      strong,
      product,
      clientIdentifier,
      createdAt: now,
      expiresAt: now + (strong ? 1800 : 900) * 1000,
      jwk,
      claimedBy: undefined,
      token: undefined
    }
    this.pins.set(pin.id, pin)
    return pin
  }

  /** Claims `pin` for `owner`: its token is a classic one, or a Plex JWT for a JWT PIN's key. */
  async claimPin(pin: PinState, owner: AccountSpec, now: number): Promise<void> {
    if (pin.jwk === undefined) {
      pin.token = this.issueToken(owner)
    } else {
      this.jwt.registerFromPin(pin.jwk, pin.clientIdentifier, owner)
      pin.token = await this.jwt.issue(owner, pin.clientIdentifier, pin.jwk.kid!, "", now)
    }
    pin.claimedBy = owner
  }

  findAccount(login: string): AccountSpec | undefined {
    const wanted = login.toLowerCase()
    return this.accounts.find((a) => a.username.toLowerCase() === wanted || a.email.toLowerCase() === wanted)
  }

  private nextId(): string {
    this.counter++
    return `${this.counter.toString(36).padStart(4, "0")}${Math.random().toString(36).slice(2, 18)}`
  }

  issueToken(account: AccountSpec): string {
    const token = `fake-${this.nextId()}`
    this.tokens.set(token, account)
    return token
  }

  issueTransient(account: AccountSpec, now: number): string {
    const token = `transient-${this.nextId()}`
    this.transient.set(token, { account, expiresAt: now + 48 * 3600 * 1000, epoch: this.epoch })
    return token
  }

  /** The account behind an account token or a Plex JWT; `expired` for a Plex JWT past its `exp`. */
  accountFor(token: string | undefined, now: number): AccountSpec | "expired" | undefined {
    if (token === undefined) return undefined
    const account = this.tokens.get(token)
    if (account === undefined) return undefined
    const expiry = this.jwt.expiries.get(token)
    return expiry !== undefined && now >= expiry ? "expired" : account
  }

  /** The account behind a token the PMS accepts: an account token, a Plex JWT, or a live transient one. */
  pmsAccount(token: string | undefined, now: number): AccountSpec | "expired" | undefined {
    if (token === undefined) return undefined
    const account = this.accountFor(token, now)
    if (account !== undefined) return account
    const transient = this.transient.get(token)
    if (transient === undefined || transient.epoch !== this.epoch || transient.expiresAt <= now) return undefined
    return transient.account
  }

  takeFault(route: Route): Fault | undefined {
    const queue = this.faults.get(route)
    const head = queue?.[0]
    if (head === undefined) return undefined
    head.remaining--
    if (head.remaining <= 0) queue!.shift()
    return head.fault
  }
}
