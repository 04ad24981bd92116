/**
 * The CLI's standard input and what it needs to know of its terminal, as a
 * service: the binary provides the process's own, a test in this process a
 * stream of its own, so prompts and `--password-stdin` run the same code
 * under both.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Readable } from "node:stream"

// All that is ever read from a pipe: passwords, logins and codes are short.
const maxInputBytes = 64 * 1024

type End = "ended" | "too long"

/** One line of piped input, or why there are no more. */
export type Line = { readonly text: string } | { readonly end: End }

export interface StdioService {
  /** Whether stdin is a terminal: prompts then read keys, hidden. */
  readonly stdinIsTTY: boolean
  /** Whether stderr is a terminal: progress lines are drawn only there. */
  readonly stderrIsTTY: boolean
  /** The next line of piped input, from at most 64 KiB of it. */
  readonly nextLine: Effect.Effect<Line>
  /** Writes to stderr as is, without a newline (a progress line redrawn in place). */
  readonly drawOnStderr: (text: string) => Effect.Effect<void>
  /** Stops reading stdin, so the process can exit. */
  readonly close: Effect.Effect<void>
}

export class Stdio extends Context.Tag("@effect-plex/cli/Stdio")<Stdio, StdioService>() {}

// Lines are split as they arrive and handed to whoever waits. Past 64 KiB
// (counted line by line, so a flood of short lines stops where a long one
// would) the stream is destroyed, so a runaway pipe is never read to its end.
const lineReader = (input: Readable) => {
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
  const tooLong = () => {
    pending = ""
    input.destroy()
    finish("too long")
  }
  input.setEncoding("utf8")
  input.on("data", (chunk: string) => {
    if (end !== undefined) return
    pending += chunk
    let start = 0
    for (let newline = pending.indexOf("\n"); newline >= 0; newline = pending.indexOf("\n", start)) {
      const line = pending.slice(start, newline)
      read += Buffer.byteLength(line) + 1
      if (read > maxInputBytes) return tooLong()
      deliver(line.replace(/\r$/, ""))
      start = newline + 1
    }
    pending = pending.slice(start)
    if (read + Buffer.byteLength(pending) > maxInputBytes) tooLong()
  })
  input.on("end", () => {
    if (pending.length > 0) deliver(pending)
    pending = ""
    finish("ended")
  })
  input.on("close", () => finish("ended"))
  input.on("error", () => finish("ended"))
  return {
    queued: (): Line | undefined => {
      const line = queue.shift()
      if (line !== undefined) return { text: line }
      return end === undefined ? undefined : { end }
    },
    next: (): Promise<Line> => new Promise((resolve) => waiting.push(resolve))
  }
}

/**
 * Standard input read from `input`, which is only listened to once a line is
 * asked for (a command that reads nothing leaves a terminal's stdin alone).
 */
export const make = (options: {
  readonly input: Readable
  readonly stdinIsTTY: boolean
  readonly stderrIsTTY: boolean
  readonly drawOnStderr: (text: string) => void
}): StdioService => {
  let reader: ReturnType<typeof lineReader> | undefined
  return {
    stdinIsTTY: options.stdinIsTTY,
    stderrIsTTY: options.stderrIsTTY,
    nextLine: Effect.suspend(() => {
      reader ??= lineReader(options.input)
      const line = reader.queued()
      return line === undefined ? Effect.promise(reader.next) : Effect.succeed(line)
    }),
    drawOnStderr: (text) => Effect.sync(() => options.drawOnStderr(text)),
    close: Effect.sync(() => {
      if (reader !== undefined) options.input.destroy()
    })
  }
}

/** The process's own stdin and stderr. */
export const layer: Layer.Layer<Stdio> = Layer.sync(Stdio, () =>
  make({
    input: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    drawOnStderr: (text) => void process.stderr.write(text)
  }))
