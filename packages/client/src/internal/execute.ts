/**
 * Stages 2–4 in order, under the per-attempt timeout. Every operation is a
 * request builder followed by this.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { type CommonError, Timeout } from "../PlexError.js"
import { currentAttemptTimeout } from "./attemptTimeout.js"
import { decodeBody, type Decoder } from "./decode.js"
import { checkStatus } from "./status.js"
import { requestSecrets } from "./secrets.js"
import { send } from "./transport.js"

/** @internal */
export const execute = <A>(
  operation: string,
  request: HttpClientRequest.HttpClientRequest,
  decoder: Decoder<A>,
  extraSecrets: ReadonlyArray<string> = []
): Effect.Effect<A, CommonError, HttpClient.HttpClient> => {
  const secrets = [...requestSecrets(request), ...extraSecrets]
  return FiberRef.get(currentAttemptTimeout).pipe(
    Effect.flatMap((timeout) =>
      send(operation, request, secrets).pipe(
        Effect.flatMap((response) => checkStatus(operation, response, secrets)),
        Effect.flatMap((response) => decodeBody(operation, decoder, response, secrets)),
        Effect.timeoutFail({ duration: timeout, onTimeout: () => new Timeout({ operation, timeout }) })
      )
    )
  )
}
