#!/usr/bin/env node
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { main } from "./Main.js"
import { withoutStyles } from "./SafeText.js"
import * as Stdio from "./Stdio.js"

// Colour only for a terminal, and never with NO_COLOR (https://no-color.org):
// @effect/cli's help and prompts style their text, so the styles are taken
// out here, keeping the cursor movements prompts need.
const noColor = (process.env["NO_COLOR"] ?? "") !== ""
for (const stream of [process.stdout, process.stderr]) {
  if (!noColor && stream.isTTY) continue
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: Array<unknown>) => boolean
  stream.write = ((chunk: unknown, ...rest: Array<unknown>) =>
    write(typeof chunk === "string" ? withoutStyles(chunk) : chunk, ...rest)) as typeof stream.write
}

// A reader that went away (`effect-plex demo | head -1`) ends the program
// quietly, as it would any other command-line tool.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

// Ctrl-C exits 130 and SIGTERM 143, as shells expect, so `effect-plex login
// && …` stops; the program is interrupted first, so nothing is left half done.
let signal: NodeJS.Signals | undefined
for (const name of ["SIGINT", "SIGTERM"] as const) process.prependListener(name, () => (signal ??= name))

main(process.argv).pipe(
  Effect.provide(Layer.merge(NodeContext.layer, Stdio.layer)),
  Effect.flatMap((code) => Effect.sync(() => void (process.exitCode = code))),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) {
        // Whatever was on the line (a prompt, a progress line) is ended.
        process.stderr.write("\n")
        return onExit(signal === "SIGTERM" ? 143 : 130)
      }
      onExit(Number(process.exitCode ?? 0))
    }
  })
)
