/**
 * The benchmark's Plex: a minimal node:http responder in its own process,
 * sending the fake Plex's Plex Pass user body (about 6 KB) for `GET /user`
 * (200) and `POST /users/signin` (201). A second port answers the same after
 * 250 ms, so calls can be held in flight to measure memory.
 * Prints `{"fast": url, "slow": url}` on stdout once both listen.
 */
import * as PlexFake from "@effect-plex/testing/PlexFake"
import { Effect, Redacted } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

const fake = await Effect.runPromise(PlexFake.make())
const token = Redacted.value(await Effect.runPromise(fake.issueToken(PlexFake.demoAccount.username)))
const answer = await Effect.runPromise(fake.handle({
  method: "GET",
  url: new URL(`${fake.plexTvUrl}/user`),
  headers: { accept: "application/json", "x-plex-client-identifier": "bench", "x-plex-token": token },
  body: ""
}))
if (answer._tag !== "Reply") throw new Error("the fake did not answer")
const body = Buffer.from(answer.body)

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
process.stdout.write(`${JSON.stringify({ fast: await listen(fast), slow: await listen(slow), bodyBytes: body.length })}\n`)
process.on("SIGTERM", () => process.exit(0))
