/**
 * A failed connection, described from the transport's cause chain (e.g.
 * "fetch failed: connect ECONNREFUSED 127.0.0.1:9: ECONNREFUSED").
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import { TransportError } from "../PlexError.js"
import type { Stamp } from "./failure.js"

// Failures that happen before a byte of the request leaves: the connection
// (DNS, TCP, TLS) was never established, so the server cannot have seen it.
const connectCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID"
])

const causes = function*(cause: unknown): Generator<{ readonly code?: unknown; readonly message?: unknown }> {
  let current: unknown = cause
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    yield current
    // Happy eyeballs reports every address tried, in an AggregateError.
    const errors = (current as { errors?: unknown }).errors
    if (Array.isArray(errors)) {
      for (const error of errors) if (typeof error === "object" && error !== null) yield error
    }
    current = (current as { cause?: unknown }).cause
  }
}

// What fetch (undici's, in Node) throws for a 3xx under `redirect: "error"`
// (see transport.ts): the answer was a redirect, and nothing was sent again.
const isRefusedRedirect = (cause: unknown): boolean => {
  for (const { message } of causes(cause)) if (message === "unexpected redirect") return true
  return false
}

const isConnectFailure = (cause: unknown): boolean => {
  for (const { code } of causes(cause)) if (typeof code === "string" && connectCodes.has(code)) return true
  return false
}

const describe = (cause: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown }
    if (typeof message === "string" && message !== "" && !parts.includes(message)) parts.push(message)
    if (typeof code === "string" && !parts.some((part) => part.includes(code))) parts.push(code)
    current = (current as { cause?: unknown }).cause
  }
  return parts.length === 0 ? "unknown transport failure" : parts.join(": ")
}

/**
 * `phase` is where it broke: `connect` when no connection was made (nothing
 * was sent), `request` when it broke while sending or before any response,
 * `response` when the body broke off, `redirect` when fetch refused a 3xx.
 *
 * @internal
 */
export const transportFailure = (
  phase: "request" | "response",
  error: HttpClientError.HttpClientError,
  stamp: Stamp
): TransportError => {
  const cause = error.cause ?? error
  if (phase === "request" && isRefusedRedirect(cause)) {
    return new TransportError({
      ...stamp.common,
      phase: "redirect",
      reason: "the server answered with a redirect, which is never followed; nothing was sent again"
    })
  }
  const where = phase === "request" && isConnectFailure(cause) ? "connect" : phase
  return new TransportError({ ...stamp.common, phase: where, reason: stamp.scrub(describe(cause)) })
}
