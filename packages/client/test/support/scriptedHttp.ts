/**
 * An in-memory HttpClient for tests: it records every request exactly as the
 * client built it, and answers from a script, one reply per request.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  readonly at: number
}

export type Reply =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly transport: string }
  | { readonly hang: true }
  | { readonly status: number; readonly breakBody: string }

const decoder = new TextDecoder()

const bodyText = (request: HttpClientRequest.HttpClientRequest) =>
  request.body._tag === "Uint8Array" ? decoder.decode(request.body.body) : undefined

const brokenStream = (prefix: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(prefix))
      controller.error(new Error("socket hang up"))
    }
  })

export interface ScriptedHttp {
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  readonly requests: Array<RecordedRequest>
  /** How many requests were aborted by interruption. */
  readonly aborted: { count: number }
}

/**
 * `replies[i]` answers request `i`; the last reply repeats for any further
 * request.
 */
export const scripted = (...replies: ReadonlyArray<Reply>): ScriptedHttp => {
  const requests: Array<RecordedRequest> = []
  const aborted = { count: 0 }
  const client = HttpClient.make((request, url, signal) =>
    Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (at) => {
      requests.push({
        method: request.method,
        url: url.toString(),
        headers: request.headers,
        body: bodyText(request),
        at
      })
      signal.addEventListener("abort", () => aborted.count++)
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!
      if ("transport" in reply) {
        // As Node reports it: the error code in the message, and as `code`.
        const code = /\b(E[A-Z_]{3,})\b/.exec(reply.transport)?.[1]
        const cause = Object.assign(new Error(reply.transport), code === undefined ? {} : { code })
        return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
      }
      if ("hang" in reply) return Effect.never
      if ("breakBody" in reply) {
        return Effect.succeed(
          HttpClientResponse.fromWeb(request, new Response(brokenStream(reply.breakBody), { status: reply.status }))
        )
      }
      return Effect.succeed(
        HttpClientResponse.fromWeb(
          request,
          new Response(reply.body ?? "", {
            status: reply.status,
            headers: { "content-type": "application/json", ...reply.headers }
          })
        )
      )
    })
  )
  return { layer: Layer.succeed(HttpClient.HttpClient, client), requests, aborted }
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(body),
  ...(headers === undefined ? {} : { headers })
})
