/**
 * A secret's text, for the one place that sends it. How secrets are kept out
 * of what servers echo is in `@effect-plex/core/Secrets`.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"

/** A secret's text, whether the caller gave it `Redacted` or plain. @internal */
export const reveal = (secret: Redacted.Redacted<string> | string): string =>
  Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
