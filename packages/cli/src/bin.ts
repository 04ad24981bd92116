#!/usr/bin/env node
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Cli from "./Cli.js"
import { oneLine } from "./ErrorReport.js"
import { closeInput } from "./Prompts.js"

const verbose = process.argv.includes("--verbose")

const report = (cause: Cause.Cause<unknown>) =>
  Effect.sync(() => {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure) && ValidationError.isValidationError(failure.value)) {
      process.exitCode = 2
      return
    }
    process.stderr.write(`effect-plex: ${oneLine(cause)}\n`)
    if (verbose) process.stderr.write(`${Cause.pretty(cause)}\n`)
    process.exitCode = Cause.isInterruptedOnly(cause) ? 130 : 1
  })

Cli.run(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  Effect.ensuring(closeInput),
  Effect.catchAllCause(report),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
