/**
 * Prompts that never echo a secret. On a terminal they use @effect/cli's
 * hidden prompt; when stdin is a pipe (scripts, tests) they read one line per
 * prompt, from at most 64 KiB of input (see `Stdio`). Prompt text goes to
 * stderr so stdout stays clean for `--json`.
 */
import * as Prompt from "@effect/cli/Prompt"
import type * as Terminal from "@effect/platform/Terminal"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Stdio } from "./Stdio.js"

export class NoInput extends Data.TaggedError("NoInput")<{
  readonly what: string
  readonly tooLong?: boolean
  /** Read as all of stdin (`--password-stdin`, `--pin-stdin`), not at a prompt. */
  readonly whole?: boolean
}> {
  override get message() {
    return this.tooLong === true
      ? `the ${this.what} on standard input is longer than 64 KiB; nothing more was read`
      : `no ${this.what} given, and standard input has ended`
  }
}

const fromPipe = (message: string): Effect.Effect<string, NoInput, Stdio> =>
  Effect.gen(function*() {
    const stdio = yield* Stdio
    yield* stdio.drawOnStderr(`${message}: `)
    const line = yield* stdio.nextLine
    yield* stdio.drawOnStderr("\n")
    if ("text" in line) return line.text
    return yield* new NoInput({ what: message.toLowerCase(), tooLong: line.end === "too long" })
  })

/**
 * All of standard input, up to 64 KiB, without its trailing newline: a
 * secret piped in (`signin --password-stdin`), as `docker login` reads one.
 */
export const secretFromStdin = (what: string): Effect.Effect<Redacted.Redacted<string>, NoInput, Stdio> =>
  Effect.gen(function*() {
    const stdio = yield* Stdio
    const lines: Array<string> = []
    while (true) {
      const line = yield* stdio.nextLine
      if (!("text" in line)) {
        if (line.end === "too long") return yield* new NoInput({ what, tooLong: true, whole: true })
        break
      }
      lines.push(line.text)
    }
    const text = lines.join("\n")
    return text.length === 0 ? yield* new NoInput({ what, whole: true }) : Redacted.make(text)
  })

type Asked<A> = Effect.Effect<A, NoInput | Terminal.QuitException, Prompt.Prompt.Environment | Stdio>

export const secret = (message: string): Asked<Redacted.Redacted<string>> =>
  Effect.flatMap(
    Stdio,
    (stdio): Asked<Redacted.Redacted<string>> =>
      stdio.stdinIsTTY ? Prompt.run(Prompt.hidden({ message })) : Effect.map(fromPipe(message), Redacted.make)
  )

export const text = (message: string): Asked<string> =>
  Effect.flatMap(
    Stdio,
    (stdio): Asked<string> => stdio.stdinIsTTY ? Prompt.run(Prompt.text({ message })) : fromPipe(message)
  )
