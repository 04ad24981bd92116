/**
 * The loopback face: node:http in front of the fake's handler. A client that
 * disconnects interrupts the handling fiber, as a real server would stop.
 *
 * @internal
 */
import type { FakeRequest, FakeResponse } from "@effect-plex/core/fake/Wire"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

interface Handler {
  readonly handle: (request: FakeRequest) => Effect.Effect<FakeResponse>
}

const readBody = (request: http.IncomingMessage, onBody: (body: string) => void) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.on("end", () => onBody(Buffer.concat(chunks).toString("utf8")))
}

const headersOf = (request: http.IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

/** @internal */
export const serveOnLoopback = <S extends Handler, E>(
  port: number,
  make: (origin: string) => Effect.Effect<S>,
  onListenError: (error: NodeJS.ErrnoException) => E
): Effect.Effect<S, E, Scope.Scope> =>
  Effect.gen(function*() {
    const runtime = yield* Effect.runtime<never>()
    const server = http.createServer()
    // A busy or forbidden port fails the effect; later server errors (a
    // refused accept) must never reach the host as an unhandled 'error'.
    server.on("error", () => {})
    yield* Effect.acquireRelease(
      Effect.async<void, E>((resume) => {
        const failed = (error: NodeJS.ErrnoException) => resume(Effect.fail(onListenError(error)))
        server.once("error", failed)
        try {
          server.listen(port, "127.0.0.1", () => {
            server.off("error", failed)
            resume(Effect.void)
          })
        } catch (error) {
          // A port out of range is refused at once, by a throw.
          server.off("error", failed)
          failed(error as NodeJS.ErrnoException)
        }
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const fake = yield* make(origin)
    server.on("request", (req, res) => {
      readBody(req, (body) => {
        const fiber = Runtime.runFork(runtime)(
          // The Host header names which of the server's addresses was used.
          fake.handle({
            method: req.method ?? "GET",
            url: new URL(req.url ?? "/", req.headers.host === undefined ? origin : `http://${req.headers.host}`),
            headers: headersOf(req),
            body
          })
        )
        res.on("close", () => {
          if (!res.writableEnded) Runtime.runFork(runtime)(Fiber.interrupt(fiber))
        })
        fiber.addObserver((exit) => {
          if (exit._tag === "Failure") {
            if (!res.headersSent && !res.destroyed) res.writeHead(500).end()
            return
          }
          const response = exit.value
          if (response._tag === "Drop") {
            req.socket.destroy()
            return
          }
          if (response._tag === "Bytes" || response.breakAfter === undefined) {
            res.writeHead(response.status, response.headers).end(response.body)
            return
          }
          const body = Buffer.from(response.body)
          res.writeHead(response.status, { ...response.headers, "content-length": String(body.length) })
          res.write(body.subarray(0, response.breakAfter), () => req.socket.destroy())
        })
      })
    })
    return fake
  })
