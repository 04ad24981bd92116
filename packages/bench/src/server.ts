/**
 * The benchmark's Plex: a minimal node:http responder in its own process,
 * sending the fake Plex's Plex Pass user body (about 6 KB) for `GET /user`
 * (200) and `POST /users/signin` (201). A second port answers the same after
 * 250 ms, so calls can be held in flight to measure memory.
 * Prints `{"fast": url, "slow": url}` on stdout once both listen.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { accountBody } from "./accountBody.js"

const body = Buffer.from(await accountBody())

const respond = (delayMs: number) => (req: http.IncomingMessage, res: http.ServerResponse) => {
  req.resume()
  req.on("end", () => {
    const send = () => {
      const status = req.method === "POST" ? 201 : 200
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": body.length })
      res.end(body)
    }
    if (delayMs === 0) send()
    else setTimeout(send, delayMs)
  })
}

const listen = (server: http.Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`))
  )

const fast = http.createServer({ keepAliveTimeout: 60_000 }, respond(0))
const slow = http.createServer({ keepAliveTimeout: 60_000 }, respond(250))
slow.maxConnections = 4096
process.stdout.write(
  `${JSON.stringify({ fast: await listen(fast), slow: await listen(slow), bodyBytes: body.length })}\n`
)
process.on("SIGTERM", () => process.exit(0))
