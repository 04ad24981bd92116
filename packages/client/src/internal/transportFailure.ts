/**
 * A failed connection, described from the transport's cause chain (e.g.
 * "fetch failed: connect ECONNREFUSED 127.0.0.1:9: ECONNREFUSED").
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import { TransportError } from "../PlexError.js"
import { Unstamped } from "./failure.js"

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

/** @internal */
export const transportFailure = (
  phase: "request" | "response",
  error: HttpClientError.HttpClientError
): Unstamped<TransportError> =>
  new Unstamped((stamp) =>
    new TransportError({ ...stamp.common, phase, reason: stamp.scrub(describe(error.cause ?? error)) })
  )
