/**
 * What every stage needs to build its error complete, where it fails: the
 * operation's fields, and how to keep the call's secrets out of any text a
 * server or a transport wrote. The pipeline makes one per call.
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
