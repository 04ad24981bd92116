/**
 * Prompts that never echo a secret. On a terminal they use @effect/cli's
 * hidden prompt; when stdin is a pipe (scripts, tests) they read one line per
 * prompt, from at most 64 KiB of input: past that, reading stops. Prompt text goes to
 * stderr so stdout stays clean for `--json`.
 */
import * as Prompt from "@effect/cli/Prompt"
import type * as Terminal from "@effect/platform/Terminal"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

export class NoInput extends Data.TaggedError("NoInput")<{ readonly what: string; readonly tooLong?: boolean }> {
  override get message() {
    return this.tooLong === true
      ? `the ${this.what} on standard input is longer than 64 KiB; nothing more was read`
      : `no ${this.what} given, and standard input has ended`
  }
}

// All that is ever read from a pipe: passwords, logins and codes are short.
const maxInputBytes = 64 * 1024

type End = "ended" | "too long"
type Line = { readonly text: string } | { readonly end: End }

interface LineReader {
  readonly next: () => Promise<Line>
}

let reader: LineReader | undefined

const pipedLines = (): LineReader => {
  if (reader !== undefined) return reader
  const queue: Array<string> = []
  const waiting: Array<(line: Line) => void> = []
  let pending = ""
  let read = 0
  let end: End | undefined
  const finish = (why: End) => {
    end ??= why
    waiting.splice(0).forEach((resolve) => resolve({ end: end! }))
  }
  const deliver = (line: string) => {
    const resolve = waiting.shift()
    if (resolve === undefined) queue.push(line)
    else resolve({ text: line })
  }
  process.stdin.setEncoding("utf8")
  process.stdin.on("data", (chunk: string) => {
    pending += chunk
    let newline = pending.indexOf("\n")
    while (newline >= 0) {
      deliver(pending.slice(0, newline).replace(/\r$/, ""))
      pending = pending.slice(newline + 1)
      newline = pending.indexOf("\n")
    }
    read += Buffer.byteLength(chunk)
    if (read > maxInputBytes) {
      pending = ""
      process.stdin.destroy()
      finish("too long")
    }
  })
  process.stdin.on("end", () => {
    if (pending.length > 0) deliver(pending)
    pending = ""
    finish("ended")
  })
  process.stdin.on("close", () => finish("ended"))
  reader = {
    next: () => {
      const line = queue.shift()
      if (line !== undefined) return Promise.resolve({ text: line })
      if (end !== undefined) return Promise.resolve({ end })
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
    if ("text" in line) return line.text
    return yield* new NoInput({ what: message.toLowerCase(), tooLong: line.end === "too long" })
  })

/**
 * All of standard input, up to 64 KiB, without its trailing newline: a
 * secret piped in (`signin --password-stdin`), as `docker login` reads one.
 */
export const secretFromStdin = (what: string): Effect.Effect<Redacted.Redacted<string>, NoInput> =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    while (true) {
      const line = yield* Effect.promise(() => pipedLines().next())
      if (!("text" in line)) {
        if (line.end === "too long") return yield* new NoInput({ what, tooLong: true })
        break
      }
      lines.push(line.text)
    }
    const text = lines.join("\n")
    return text.length === 0 ? yield* new NoInput({ what }) : Redacted.make(text)
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
