/**
 * The fake's mutable world. Every change goes through one of these methods,
 * called from inside an Effect, so both faces share one consistent state.
 *
 * @internal
 */
import type { AccountSpec } from "./account.js"

/** @internal */
export type Route = "signin" | "user" | "transientToken" | "sourceResources"

/** @internal */
export type Fault =
  | { readonly _tag: "Status"; readonly status: number; readonly retryAfter?: string | undefined; readonly body?: string | undefined }
  | { readonly _tag: "Delay"; readonly millis: number }
  | { readonly _tag: "Body"; readonly kind: "malformed" | "empty" | "html" }
  | { readonly _tag: "Drop" }

/** @internal */
export interface JournalEntry {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly status: number | "dropped"
}

/** @internal */
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
  epoch = 0
  private counter = 0

  constructor(accounts: ReadonlyArray<AccountSpec>, sources: ReadonlyArray<SourceSpec>) {
    this.accounts = [...accounts]
    this.sources = sources
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

  /** The account behind a token the PMS accepts: an account token, or a live transient one. */
  pmsAccount(token: string | undefined, now: number): AccountSpec | undefined {
    if (token === undefined) return undefined
    const account = this.tokens.get(token)
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
