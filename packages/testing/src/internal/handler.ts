/**
 * One request through the fake: route it, apply an injected fault if one is
 * queued for that route, answer, and record it in the journal.
 *
 * @internal
 */
import {
  answer,
  clientsRoute,
  type FakeConfig,
  notFound,
  plexTvRoute,
  serverRoute
} from "@effect-plex/core/fake/Routes"
import type { ConnectionBehavior, FakeState, Fault, JournalEntry, Route } from "@effect-plex/core/fake/State"
import { type FakeRequest, type FakeResponse, jsonObject, reply } from "@effect-plex/core/fake/Wire"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as zlib from "node:zlib"

/** Where the fake answers: the plex.tv API base, the Plex Media Server's, and clients.plex.tv's (the JWT endpoints). */
export interface Bases {
  readonly plexTvUrl: string
  readonly serverUrl: string
  /** Default: `/clients/api/v2` on plex.tv's origin. */
  readonly clientsUrl?: string | undefined
}

/** The clients.plex.tv base of `bases`. @internal */
export const clientsUrlOf = (bases: Bases): string =>
  bases.clientsUrl ?? `${new URL(bases.plexTvUrl).origin}/clients/api/v2`

interface Target {
  readonly route: Route | "unknown" | "unreachable"
  /** The path below the base it was addressed to. */
  readonly path: string
  readonly behavior: ConnectionBehavior
}

const ok: ConnectionBehavior = { _tag: "Ok" }

const route = (state: FakeState, bases: Bases, request: FakeRequest): Target => {
  const href = request.url.href
  const clientsUrl = clientsUrlOf(bases)
  if (href.startsWith(`${clientsUrl}/`)) {
    const path = request.url.pathname.slice(new URL(clientsUrl).pathname.length)
    return { route: clientsRoute(request.method, path) ?? "unknown", path, behavior: ok }
  }
  if (href.startsWith(`${bases.plexTvUrl}/`)) {
    const path = request.url.pathname.slice(new URL(bases.plexTvUrl).pathname.length)
    return { route: plexTvRoute(request.method, path) ?? "unknown", path, behavior: ok }
  }
  const connection = state.connectionFor(request.url)
  if (connection !== undefined) {
    const path = request.url.pathname.slice(new URL(connection.uri).pathname.replace(/\/+$/, "").length)
    return { route: serverRoute(path) ?? "unknown", path, behavior: state.behaviors.get(connection.uri) ?? ok }
  }
  if (request.url.origin === new URL(bases.serverUrl).origin) {
    return { route: serverRoute(request.url.pathname) ?? "unknown", path: request.url.pathname, behavior: ok }
  }
  return { route: "unreachable", path: request.url.pathname, behavior: ok }
}

// 32 KiB on the wire, 32 MiB once inflated (twice the client limit); made on first use.
let bomb: Uint8Array | undefined
const gzipBomb = () => (bomb ??= zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20)))

// What a careless server writes back: the secrets it was sent (the token, a
// password, a device JWT), raw and percent-encoded, in its error message.
const echoed = (request: FakeRequest) => {
  const json = jsonObject(request.body)
  const form = new URLSearchParams(json === undefined ? request.body : "")
  const jwt = typeof json?.["jwt"] === "string" ? json["jwt"] : request.url.searchParams.get("deviceJWT") ?? ""
  const sent = [request.headers["x-plex-token"] ?? "", form.get("password") ?? "", jwt].filter((s) => s !== "")
  return `Invalid credentials: ${sent.map((s) => `${s} (${encodeURIComponent(s)})`).join(", ")}`
}

const faultResponse = (fault: Exclude<Fault, { _tag: "Delay" }>, request: FakeRequest): FakeResponse => {
  switch (fault._tag) {
    case "Echo":
      return reply(
        401,
        JSON.stringify({ errors: [{ code: 1001, message: echoed(request), status: 401 }] }),
        "application/json"
      )
    case "BreakBody":
      return {
        ...reply(200, "{\"id\": 1, \"uuid\": \"0123456789abcdef\", \"authToken\": \"", "application/json"),
        breakAfter: 20
      }
    case "Drop":
      return { _tag: "Drop" }
    case "Status":
      return reply(
        fault.status,
        fault.body ?? "",
        fault.body?.trimStart().startsWith("{") ? "application/json" : "text/html",
        fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter }
      )
    case "Body":
      return fault.kind === "malformed"
        ? reply(200, "{\"MediaContainer\": {\"size\": 0, \"tok", "application/json")
        : fault.kind === "empty"
        ? reply(200, "", "application/json")
        : fault.kind === "gzipBomb"
        ? {
          _tag: "Bytes",
          status: 200,
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
          body: gzipBomb()
        }
        : reply(200, "<!DOCTYPE html><html><body>Plex is down for maintenance</body></html>", "text/html")
  }
}

// What the journal never keeps, wherever it comes: header, query, form or JSON.
const secretNames = new Set([
  "x-plex-token",
  "authorization",
  "password",
  "verificationcode",
  "code",
  "pin",
  "token",
  "authtoken",
  "auth_token",
  "jwt",
  "devicejwt",
  "d"
])
const isSecret = (name: string) => {
  try {
    return secretNames.has(decodeURIComponent(name.replace(/\+/g, " ")).toLowerCase())
  } catch {
    return secretNames.has(name.toLowerCase())
  }
}

const maskParams = (params: string) =>
  params.replace(
    /(^|[?&])([^=&?]*)=([^&]*)/g,
    (pair, separator: string, name: string) => isSecret(name) ? `${separator}${name}=<redacted>` : pair
  )

const maskJson = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(maskJson)
    : typeof value === "object" && value !== null
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecret(k) ? "<redacted>" : maskJson(v)]))
    : value

const maskBody = (body: string) => {
  if (!body.trimStart().startsWith("{") && !body.trimStart().startsWith("[")) return maskParams(body)
  try {
    return JSON.stringify(maskJson(JSON.parse(body)))
  } catch {
    return "<unreadable JSON, not kept>"
  }
}

const masked = (request: FakeRequest) => ({
  path: request.url.pathname + maskParams(request.url.search),
  headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, isSecret(k) ? "<redacted>" : v])),
  body: maskBody(request.body)
})

const respond = (
  state: FakeState,
  config: FakeConfig,
  request: FakeRequest,
  { behavior, path, route: target }: Target
): Effect.Effect<FakeResponse> =>
  Effect.gen(function*() {
    if (behavior._tag === "Unreachable") return { _tag: "Drop" } as const
    if (behavior._tag === "Hang") return yield* Effect.never
    if (behavior._tag === "Slow") yield* Effect.sleep(behavior.millis)
    if (target === "unreachable") return { _tag: "Drop" } as const
    const fault = target === "unknown" ? undefined : state.takeFault(target)
    if (fault?._tag === "Delay") yield* Effect.sleep(fault.millis)
    if (fault !== undefined && fault._tag !== "Delay") return faultResponse(fault, request)
    if (target === "unknown") return notFound(request)
    const now = yield* Clock.currentTimeMillis
    const answered = answer(state, config, target, request, path, now)
    return answered instanceof Promise ? yield* Effect.promise(() => answered) : answered
  })

/** @internal */
export const handle =
  (state: FakeState, config: FakeConfig, bases: Bases) => (request: FakeRequest): Effect.Effect<FakeResponse> =>
    Effect.flatMap(Clock.currentTimeMillis, (at) => {
      const record = (status: JournalEntry["status"]) =>
        Effect.sync(() => {
          state.journal.push({ at, method: request.method, ...masked(request), status })
          if (state.journal.length > config.journalLimit) {
            state.journal.splice(0, state.journal.length - config.journalLimit)
          }
        })
      return respond(state, config, request, route(state, bases, request)).pipe(
        Effect.tap((response) => record(response._tag === "Drop" ? "dropped" : response.status)),
        Effect.onInterrupt(() => record("interrupted"))
      )
    })
