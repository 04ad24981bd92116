/**
 * Process health, for every test file of every package: the run must record
 * no unhandled rejection and no uncaught exception.
 */
import { afterAll } from "vitest"

interface Health {
  readonly unhandledRejections: Array<unknown>
  readonly uncaughtExceptions: Array<unknown>
}

const key = Symbol.for("effect-plex/processHealth")
const global = globalThis as { [key]?: Health }

const health: Health = global[key] ??= (() => {
  const recorded: Health = { unhandledRejections: [], uncaughtExceptions: [] }
  process.on("unhandledRejection", (reason) => recorded.unhandledRejections.push(reason))
  process.on("uncaughtException", (error) => recorded.uncaughtExceptions.push(error))
  return recorded
})()

afterAll(() => {
  const { uncaughtExceptions, unhandledRejections } = health
  if (unhandledRejections.length + uncaughtExceptions.length > 0) {
    throw new Error(
      `process health: ${unhandledRejections.length} unhandled rejection(s), ${uncaughtExceptions.length} uncaught exception(s): ${
        [...unhandledRejections, ...uncaughtExceptions].map(String).join("; ")
      }`
    )
  }
})
