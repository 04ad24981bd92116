/**
 * `effect-plex <args>` from start to exit code: the command run, and its
 * failure told in one line on stderr. The binary (`bin.ts`) adds only what
 * belongs to a process: signals, colour, a closed stdout. Tests run this in
 * their own process.
 */
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Cli from "./Cli.js"
import { oneLine } from "./ErrorReport.js"
import { json, visible, visibleLines } from "./SafeText.js"
import { Stdio } from "./Stdio.js"
import { unknownCommand } from "./Suggest.js"

/** Exit code of a command interrupted without a signal the binary saw (shells use 128 + SIGINT). */
export const interruptedExitCode = 130

const report = (
  cause: Cause.Cause<unknown>,
  verbose: boolean,
  asJson: boolean
): Effect.Effect<number, never, Stdio> => {
  const failure = Cause.failureOption(cause)
  // @effect/cli has printed what was wrong with the usage already.
  if (Option.isSome(failure) && ValidationError.isValidationError(failure.value)) return Effect.succeed(2)
  if (Option.isSome(failure) && Predicate.isTagged(failure.value, "UsageError")) {
    return Console.error(`effect-plex: ${oneLine(cause)}`).pipe(
      Effect.zipRight(asJson ? Console.log(json({ error: errorDocument(cause) })) : Effect.void),
      Effect.as(2)
    )
  }
  // Ctrl-C at a terminal prompt, which reads keys raw, so no signal comes.
  if (Option.isSome(failure) && Predicate.isTagged(failure.value, "QuitException")) {
    return Effect.as(Effect.flatMap(Stdio, (stdio) => stdio.drawOnStderr("\n")), interruptedExitCode)
  }
  return Console.error(`effect-plex: ${oneLine(cause)}`).pipe(
    Effect.zipRight(verbose ? Console.error(visibleLines(Cause.pretty(cause))) : Effect.void),
    Effect.zipRight(asJson ? Console.log(json({ error: errorDocument(cause) })) : Effect.void),
    Effect.as(Cause.isInterruptedOnly(cause) ? interruptedExitCode : 1)
  )
}

// With --json, stdout holds one document on failure too: the error's tag
// and the same line as stderr, for a script that reads only stdout.
const errorDocument = (cause: Cause.Cause<unknown>) => {
  const failure = Cause.failureOption(cause)
  const tag = Option.isSome(failure) && Predicate.hasProperty(failure.value, "_tag")
    ? String(failure.value._tag)
    : Cause.isInterruptedOnly(cause)
    ? "Interrupted"
    : "Defect"
  return { tag, message: oneLine(cause) }
}

/**
 * Runs `effect-plex` with `argv` (as `process.argv`: node, script, then the
 * arguments) and gives the exit code: 0, 1 for a failure, 2 for bad usage,
 * 130 for an interruption.
 */
export const main = (argv: ReadonlyArray<string>) => {
  const first = argv[2]
  const unknown = first !== undefined && !first.startsWith("-")
    ? unknownCommand(Cli.command, "effect-plex", first)
    : undefined
  if (unknown !== undefined) return Effect.as(Console.error(`effect-plex: ${visible(unknown)}`), 2)
  const verbose = argv.includes("--verbose")
  const asJson = argv.includes("--json")
  return Cli.run(argv).pipe(
    Effect.as(0),
    Effect.ensuring(Effect.flatMap(Stdio, (stdio) => stdio.close)),
    Effect.catchAllCause((cause) => report(cause, verbose, asJson))
  )
}
