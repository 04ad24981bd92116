/**
 * Reading a response body with a ceiling, so a hostile or broken server
 * cannot make the client buffer without bound. The ceiling counts the bytes
 * the transport hands over, which fetch has already inflated: a declared
 * `content-length` is only a shortcut when the body has no
 * `content-encoding` (then it is the size of what is read). Under the
 * ceiling it takes the fast path; over it, it is refused after a single
 * chunk; anything else is streamed and counted. Ending the stream early
 * cancels the body, which closes the connection.
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** Real Plex bodies are kilobytes; this leaves room for the largest resource lists. @internal */
export const maxBodyBytes = 16 * 1024 * 1024

/** @internal */
export class TooLarge {
  readonly _tag = "TooLarge"
}

const decoder = new TextDecoder()

// These statuses never carry a body; asking the transport for one fails.
const noBodyStatuses = new Set([204, 205, 304])

/** @internal */
export const readText = (
  response: HttpClientResponse.HttpClientResponse,
  limit: number
): Effect.Effect<string, HttpClientError.ResponseError | TooLarge> => {
  if (noBodyStatuses.has(response.status)) return Effect.succeed("")
  const encoding = response.headers["content-encoding"]
  const declared = encoding === undefined || encoding === "identity"
    ? Number(response.headers["content-length"] ?? Number.NaN)
    : Number.NaN
  if (Number.isInteger(declared)) {
    return declared <= limit
      ? response.text
      : Effect.zipRight(Stream.runDrain(Stream.take(response.stream, 1)), Effect.fail(new TooLarge()))
  }
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return Stream.runForEach(response.stream, (chunk) => {
      size += chunk.byteLength
      if (size > limit) return Effect.fail(new TooLarge())
      chunks.push(chunk)
      return Effect.void
    }).pipe(Effect.map(() => {
      const all = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        all.set(chunk, offset)
        offset += chunk.byteLength
      }
      return decoder.decode(all)
    }))
  })
}
