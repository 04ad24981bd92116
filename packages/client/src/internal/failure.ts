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
  /** A text a server or a transport wrote, or a notice in its place when it holds one of the call's secrets. */
  readonly scrub: (text: string) => string
}

/** @internal */
export class Unstamped<E> {
  constructor(readonly stamp: (stamp: Stamp) => E) {}
}
