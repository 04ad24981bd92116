/**
 * Prompts that never echo a secret. On a terminal they use @effect/cli's
 * hidden prompt; when stdin is a pipe (scripts, tests) they read one line per
 * prompt. Prompt text goes to stderr so stdout stays clean for `--json`.
 */
import * as Prompt from "@effect/cli/Prompt"
import type * as Terminal from "@effect/platform/Terminal"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as readline from "node:readline"

export class NoInput extends Data.TaggedError("NoInput")<{ readonly what: string }> {
  override get message() {
    return `no ${this.what} given, and standard input has ended`
  }
}

interface LineReader {
  readonly next: () => Promise<string | undefined>
}

let reader: LineReader | undefined

const pipedLines = (): LineReader => {
  if (reader !== undefined) return reader
  const queue: Array<string> = []
  const waiting: Array<(line: string | undefined) => void> = []
  let closed = false
  const rl = readline.createInterface({ input: process.stdin, terminal: false })
  rl.on("line", (line) => {
    const resolve = waiting.shift()
    if (resolve === undefined) queue.push(line)
    else resolve(line)
  })
  rl.on("close", () => {
    closed = true
    waiting.splice(0).forEach((resolve) => resolve(undefined))
  })
  reader = {
    next: () => {
      const line = queue.shift()
      if (line !== undefined || closed) return Promise.resolve(line)
      return new Promise((resolve) => waiting.push(resolve))
    }
  }
  return reader
}

const fromPipe = (message: string): Effect.Effect<string, NoInput> =>
  Effect.gen(function*() {
    process.stderr.write(`${message}: `)
    const line = yield* Effect.promise(() => pipedLines().next())
    process.stderr.write("\n")
    return line === undefined ? yield* new NoInput({ what: message.toLowerCase() }) : line
  })

/** Stops reading stdin, so the process can exit. */
export const closeInput = Effect.sync(() => {
  if (reader !== undefined) process.stdin.destroy()
})

type Asked<A> = Effect.Effect<A, NoInput | Terminal.QuitException, Prompt.Prompt.Environment>

export const secret = (message: string): Asked<Redacted.Redacted<string>> =>
  process.stdin.isTTY ? Prompt.run(Prompt.hidden({ message })) : Effect.map(fromPipe(message), Redacted.make)

export const text = (message: string): Asked<string> =>
  process.stdin.isTTY ? Prompt.run(Prompt.text({ message })) : fromPipe(message)
