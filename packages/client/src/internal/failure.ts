/**
 * A failure as a stage sees it: it knows what went wrong, but not which
 * operation it was part of, whether that operation may be repeated, or which
 * secrets the call carried. The pipeline stamps all three on, in one place.
 *
 * @internal
 */

/** @internal */
export interface Stamp {
  /** The fields every error of the operation carries. */
  readonly common: { readonly operation: string; readonly idempotent?: false }
  /** Removes the call's secrets from a text that a server or a transport wrote. */
  readonly scrub: (text: string) => string
}

/** @internal */
export class Unstamped<E> {
  constructor(readonly stamp: (stamp: Stamp) => E) {}
}
