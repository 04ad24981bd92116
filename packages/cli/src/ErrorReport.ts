/**
 * A failure as one line that says what to do. The stack and the full cause
 * only with `--verbose`.
 */
import { postUsersSignInData } from "@effect-plex/client/SignIn"
import * as Cause from "effect/Cause"
import * as Option from "effect/Option"
import { visible } from "./SafeText.js"

/** What every command that needs a token says without one. */
export const notSignedIn = "not signed in: run `effect-plex login` (or `effect-plex signin --save`), or set PLEX_TOKEN"

const hints: Record<string, (error: any) => string> = {
  VerificationCodeRequired: () => "Plex wants a verification code: run again with --code <code>",
  SignInLockedOut: () =>
    "Plex has locked sign-in from this IP after repeated failures: wait a while before trying again",
  Unauthorized: (e) =>
    e.operation === postUsersSignInData.name
      ? "Plex did not accept that login and password"
      : "Plex did not accept the token: sign in again with `effect-plex signin --save`, or set PLEX_TOKEN",
  BadRequest: (e) => e.message,
  RateLimited: (e) => `${e.message}: wait, then try again`,
  MissingCredential: (e) =>
    e.missing === "token" ? notSignedIn : "No Plex Media Server URL: pass --server-url, or set PLEX_SERVER_URL",
  TransportError: (e) => `Could not reach Plex (${e.reason}): check the URL and your network`,
  Timeout: (e) => `${e.message}: Plex is not answering`,
  DeadlineExceeded: (e) => `${e.message}: Plex is not answering`,
  InvalidCredentials: (e) => `${e.message}: fix the flag, the PLEX_* variable or the config file`,
  TokenExpired: (e) =>
    e.renewal === undefined
      ? "The Plex JWT has expired: run `effect-plex login --jwt`"
      : `The Plex JWT has expired and could not be renewed (${e.renewal}): run \`effect-plex login --jwt\``,
  JwtRejected: (e) =>
    e.reason === "thumbprintTaken"
      ? "Plex has this device key registered to another device: delete device-key.json beside the config and run again"
      : `${e.message}: run \`effect-plex login --jwt\``,
  JwtVerificationFailed: (e) => `${e.message}: do not use that Plex; check --plex-tv-url and PLEX_CLIENTS_URL`,
  KeyStoreError: (e) => e.message,
  PinExpired: () => "The PIN expired before it was approved: run `effect-plex login` again",
  HomePinRequired: () => "That Home profile needs its PIN, and none or a wrong one was given: run again and enter it",
  NoConnection: (e) => `${e.message}: check the server is on, and that this machine can reach one of its addresses`,
  NoInput: (e) =>
    e.tooLong === true
      ? e.message
      : e.whole === true
      ? `${e.message}: standard input was empty; pipe the ${e.what} into it`
      : e.what === "password"
      ? `${e.message}: pipe it with --password-stdin, or run in a terminal`
      : `${e.message}: run in a terminal`
}

const describe = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value as { _tag?: string; message?: string }
    const hint = error._tag === undefined ? undefined : hints[error._tag]
    return hint === undefined ? String(error.message ?? error) : hint(error)
  }
  return Cause.isInterruptedOnly(cause) ? "interrupted" : `unexpected failure: ${Cause.squash(cause)}`
}

/** The failure in one line, with any control a server's text carried made visible. */
export const oneLine = (cause: Cause.Cause<unknown>): string => visible(describe(cause))
