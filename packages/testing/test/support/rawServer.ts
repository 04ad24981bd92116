/**
 * A raw TCP server on 127.0.0.1 for faults below HTTP: it reads the request
 * head, then does exactly what the test says with the socket.
 */
import * as Effect from "effect/Effect"
import * as net from "node:net"

export interface RawServer {
  readonly url: string
  /** Every request head received. */
  readonly heads: Array<string>
  /** How many connections were accepted. */
  readonly opened: { count: number }
  /** How many connections have closed, from either side. */
  readonly closed: { count: number }
}

export const rawServer = (onRequest: (socket: net.Socket, head: string) => void) =>
  Effect.acquireRelease(
    Effect.async<{ server: net.Server; raw: RawServer }>((resume) => {
      const sockets = new Set<net.Socket>()
      const raw = { url: "", heads: [] as Array<string>, opened: { count: 0 }, closed: { count: 0 } }
      const server = net.createServer((socket) => {
        sockets.add(socket)
        raw.opened.count++
        let buffered = ""
        socket.on("error", () => {})
        socket.on("close", () => {
          sockets.delete(socket)
          raw.closed.count++
        })
        socket.on("data", (data) => {
          if (buffered.includes("\r\n\r\n")) return
          buffered += data.toString("latin1")
          if (buffered.includes("\r\n\r\n")) {
            raw.heads.push(buffered)
            onRequest(socket, buffered)
          }
        })
      })
      server.on("close", () => sockets.forEach((s) => s.destroy()))
      ;(server as net.Server & { sockets?: Set<net.Socket> }).sockets = sockets
      server.listen(0, "127.0.0.1", () => {
        raw.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
        resume(Effect.succeed({ server, raw }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        for (const socket of (server as net.Server & { sockets: Set<net.Socket> }).sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ raw }) => raw))

export const head = (status: number, headers: Record<string, string | number>) =>
  `HTTP/1.1 ${status} X\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`

/** A closed port: bind, note the port, close. */
export const refusedUrl = Effect.async<string>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as net.AddressInfo).port
    server.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
  })
})
