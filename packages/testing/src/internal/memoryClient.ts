/**
 * The in-memory face: an HttpClient whose requests go straight to the fake's
 * handler, with a dropped connection as the transport error it would be.
 *
 * @internal
 */
import type { FakeRequest, FakeResponse } from "@effect-plex/core/fake/Wire"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"

const decoder = new TextDecoder()

const nullBodyStatuses = new Set([101, 204, 205, 304])

const encoder = new TextEncoder()

// The first `bytes` of the body, then the connection breaks.
const brokenAfter = (body: string, bytes: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(body).slice(0, bytes))
      controller.error(new Error("socket hang up (connection reset by PlexFake)"))
    }
  })

const toFakeRequest = (request: HttpClientRequest.HttpClientRequest, url: URL): FakeRequest => ({
  method: request.method,
  url,
  headers: request.headers,
  body: request.body._tag === "Uint8Array" ? decoder.decode(request.body.body) : ""
})

/** @internal */
export const inMemoryClient = (handle: (request: FakeRequest) => Effect.Effect<FakeResponse>): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.flatMap(handle(toFakeRequest(request, url)), (response) =>
      response._tag === "Drop"
        ? Effect.fail(
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            cause: new Error("socket hang up (connection dropped by PlexFake)")
          })
        )
        : Effect.succeed(
          HttpClientResponse.fromWeb(
            request,
            new Response(
              nullBodyStatuses.has(response.status)
                ? null
                : response._tag === "Bytes"
                ? new Uint8Array(response.body)
                : response.breakAfter === undefined
                ? response.body
                : brokenAfter(response.body, response.breakAfter),
              { status: response.status, headers: response.headers }
            )
          )
        ))
  )
