#!/usr/bin/env node
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Cli from "./Cli.js"
import { oneLine } from "./ErrorReport.js"
import { closeInput } from "./Prompts.js"
import { visible, visibleLines } from "./SafeText.js"
import { unknownCommand } from "./Suggest.js"

const verbose = process.argv.includes("--verbose")

// Colour only for a terminal, and never with NO_COLOR (https://no-color.org):
// @effect/cli's help and prompts style their text, so the styles are taken
// out here, keeping the cursor movements prompts need.
const noColor = (process.env["NO_COLOR"] ?? "") !== ""
for (const stream of [process.stdout, process.stderr]) {
  if (!noColor && stream.isTTY) continue
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: Array<unknown>) => boolean
  stream.write = ((chunk: unknown, ...rest: Array<unknown>) =>
    write(typeof chunk === "string" ? chunk.replace(/\u001b\[[0-9;]*m/g, "") : chunk, ...rest)) as typeof stream.write
}

const first = process.argv[2]
if (first !== undefined && !first.startsWith("-")) {
  const unknown = unknownCommand(Cli.command, "effect-plex", first)
  if (unknown !== undefined) {
    process.stderr.write(`effect-plex: ${visible(unknown)}\n`)
    process.exit(2)
  }
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
const interruptedCode = () => signal === "SIGTERM" ? 143 : 130

const report = (cause: Cause.Cause<unknown>) =>
  Effect.sync(() => {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure) && ValidationError.isValidationError(failure.value)) {
      process.exitCode = 2
      return
    }
    if (Option.isSome(failure) && Predicate.isTagged(failure.value, "UsageError")) {
      process.stderr.write(`effect-plex: ${oneLine(cause)}\n`)
      process.exitCode = 2
      return
    }
    // Ctrl-C at a terminal prompt, which reads keys raw, so no signal comes.
    if (Option.isSome(failure) && Predicate.isTagged(failure.value, "QuitException")) {
      process.stderr.write("\n")
      process.exitCode = 130
      return
    }
    process.stderr.write(`effect-plex: ${oneLine(cause)}\n`)
    if (verbose) process.stderr.write(`${visibleLines(Cause.pretty(cause))}\n`)
    process.exitCode = Cause.isInterruptedOnly(cause) ? interruptedCode() : 1
  })

Cli.run(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  Effect.ensuring(closeInput),
  Effect.catchAllCause(report),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) {
        // Whatever was on the line (a prompt, a progress line) is ended.
        process.stderr.write("\n")
        return onExit(interruptedCode())
      }
      onExit(Number(process.exitCode ?? 0))
    }
  })
)
