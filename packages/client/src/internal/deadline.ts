/**
 * Which operation a call with a deadline had last started, so that
 * `DeadlineExceeded` can name it like every other error names its operation.
 *
 * @internal
 */
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

/** @internal */
export interface DeadlineWatch {
  last: string | undefined
}

/** @internal */
export const currentDeadlineWatch: FiberRef.FiberRef<DeadlineWatch | undefined> = globalValue(
  Symbol.for("@effect-plex/client/currentDeadlineWatch"),
  () => FiberRef.unsafeMake<DeadlineWatch | undefined>(undefined)
)
