/**
 * Decoding the account body, in memory: `JSON.parse` of the text, then the
 * parsed value decoded by effect-plex's tolerant reader (what every operation
 * runs) and by plain `Schema.decodeUnknown`. Prints the median cost per body
 * of batches, and writes nothing.
 */
import { tolerant } from "@effect-plex/client/Decoding"
import { UserPlexAccount } from "@effect-plex/client/UserPlexAccount"
import { Either, Schema } from "effect"
import { median } from "./stats.js"

export interface DecodeFigures {
  readonly bodyBytes: number
  readonly parseUs: number
  readonly tolerantUs: number
  readonly schemaUs: number
}

const perCall = (f: () => unknown, batch: number, batches: number): number => {
  for (let i = 0; i < batch; i++) f()
  const samples: Array<number> = []
  for (let b = 0; b < batches; b++) {
    const start = performance.now()
    for (let i = 0; i < batch; i++) f()
    samples.push(((performance.now() - start) * 1000) / batch)
  }
  return median(samples)
}

export const measureDecoding = (text: string): DecodeFigures => {
  const parsed: unknown = JSON.parse(text)
  const fast = tolerant(UserPlexAccount)
  const plain = Schema.decodeUnknownEither(UserPlexAccount)
  if (Either.isLeft(fast(parsed)) || Either.isLeft(plain(parsed))) throw new Error("the account body does not decode")
  return {
    bodyBytes: Buffer.byteLength(text),
    parseUs: perCall(() => JSON.parse(text), 2000, 15),
    tolerantUs: perCall(() => fast(parsed), 2000, 15),
    schemaUs: perCall(() => plain(parsed), 500, 15)
  }
}
