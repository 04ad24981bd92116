/**
 * One request through the fake: route it, apply an injected fault if one is
 * queued for that route, answer, and record it in the journal.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { answer, type FakeConfig, notFound, plexTvRoute, serverRoute } from "./routes.js"
import type { Fault, FakeState, Route } from "./state.js"
import { type FakeRequest, type FakeResponse, reply } from "./wire.js"

/** @internal */
export interface Bases {
  readonly plexTvUrl: string
  readonly serverUrl: string
}

const route = (bases: Bases, request: FakeRequest): Route | "unknown" | "unreachable" => {
  const href = request.url.href
  if (href.startsWith(`${bases.plexTvUrl}/`)) {
    const path = request.url.pathname.slice(new URL(bases.plexTvUrl).pathname.length)
    return plexTvRoute(request.method, path) ?? "unknown"
  }
  if (request.url.origin === new URL(bases.serverUrl).origin) return serverRoute(request.url.pathname) ?? "unknown"
  return "unreachable"
}

const faultResponse = (fault: Exclude<Fault, { _tag: "Delay" }>): FakeResponse => {
  switch (fault._tag) {
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
        : reply(200, "<!DOCTYPE html><html><body>Plex is down for maintenance</body></html>", "text/html")
  }
}

const masked = (request: FakeRequest) => ({
  headers: Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k, k === "x-plex-token" ? "<redacted>" : v])
  ),
  body: request.body.replace(/(^|&)(password|verificationCode)=[^&]*/g, "$1$2=<redacted>")
})

/** @internal */
export const handle = (state: FakeState, config: FakeConfig, bases: Bases) =>
(request: FakeRequest): Effect.Effect<FakeResponse> =>
  Effect.gen(function*() {
    const at = yield* Clock.currentTimeMillis
    const target = route(bases, request)
    const fault = target === "unknown" || target === "unreachable" ? undefined : state.takeFault(target)
    if (fault?._tag === "Delay") yield* Effect.sleep(fault.millis)
    const response: FakeResponse = target === "unreachable"
      ? { _tag: "Drop" }
      : fault !== undefined && fault._tag !== "Delay"
      ? faultResponse(fault)
      : target === "unknown"
      ? notFound(request)
      : yield* answer(state, config, target, request)
    state.journal.push({
      at,
      method: request.method,
      path: request.url.pathname + request.url.search,
      ...masked(request),
      status: response._tag === "Drop" ? "dropped" : response.status
    })
    if (state.journal.length > config.journalLimit) state.journal.splice(0, state.journal.length - config.journalLimit)
    return response
  })
