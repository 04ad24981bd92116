/**
 * What an HTTP status from Plex means to a caller: the one table every
 * edition turns into its error classes.
 *
 * @internal
 */
import type { ErrorDetail } from "./ErrorBody.js"

/** The outcome of a status that is not 2xx. @internal */
export type StatusKind = "BadRequest" | "Unauthorized" | "TokenExpired" | "RateLimited" | "UnexpectedStatus"

/** Whether `status` is a success (plex.tv answers sign-in with 201). @internal */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300

// Older plex.tv endpoints answer a de-authorized token (a password reset
// with "sign out all devices") with 422 and "Invalid token".
const invalidToken = (details: ReadonlyArray<ErrorDetail>) =>
  details.some((detail) => detail.message !== undefined && /^\s*invalid token\b/i.test(detail.message))

/** The kind of error a non-2xx `status` with Plex's `details` is. @internal */
export const statusKind = (status: number, details: ReadonlyArray<ErrorDetail>): StatusKind => {
  switch (status) {
    case 400:
      return "BadRequest"
    case 401:
    case 403:
      return "Unauthorized"
    case 498:
      return "TokenExpired"
    case 422:
      return invalidToken(details) ? "Unauthorized" : "UnexpectedStatus"
    case 429:
      return "RateLimited"
    default:
      return "UnexpectedStatus"
  }
}

// Plex's error bodies are a few hundred bytes; more is a page nobody needs.
/** How much of an error body is read for its details. @internal */
export const maxErrorBodyBytes = 64 * 1024
