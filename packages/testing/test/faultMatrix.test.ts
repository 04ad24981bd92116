/**
 * The fault matrix: every fault a network or a server can throw, over the
 * real transports and real sockets on 127.0.0.1, each with its typed error.
 */
import { PlexCredentials, type PlexCredentialsOptions, withToken } from "@effect-plex/client/PlexCredentials"
import type { PlexError } from "@effect-plex/client/PlexError"
import * as Retry from "@effect-plex/client/Retry"
import { signIn } from "@effect-plex/client/SignIn"
import { getSourceConnectionInformation } from "@effect-plex/client/SourceConnection"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Clock, Effect, Exit, Fiber, Layer, Option, TestClock } from "effect"
import type { Socket } from "node:net"
import * as zlib from "node:zlib"
import { outcome } from "../../client/test/support/outcome.js"
import * as PlexFake from "../src/PlexFake.js"
import { head, rawServer, refusedUrl } from "./support/rawServer.js"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["NodeHttpClient.layer (node:http)", NodeHttpClient.layer]
]

const token = "tok-fault-matrix-1234"
const userJson = JSON.stringify({ id: 1, uuid: "0123456789abcdef", authToken: token.replace("tok", "acct") })

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) assert.fail("expected a failure")
  const error = Cause.failureOption(exit.cause)
  if (Option.isNone(error)) assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return error.value
}

const fast = Retry.makeTransient({ baseDelay: "20 millis", maxAttempts: 4 })

describe.each(transports)("fault matrix over %s", (_name, transport) => {
  const provide = (options: Partial<PlexCredentialsOptions>) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
    Effect.provide(
      self,
      Layer.merge(transport, PlexCredentials.layer({ clientIdentifier: "faults", token, ...options }))
    )
  const whoami = (plexTvUrl: string) => getTokenDetails().pipe(provide({ plexTvUrl }))
  const raw = (reply: (socket: Socket, head: string) => void) => rawServer(reply)

  describe("connection faults", () => {
    it.scopedLive("connection refused: TransportError before connecting", () =>
      Effect.gen(function*() {
        const error = failure(yield* Effect.exit(whoami(yield* refusedUrl)))
        assert.strictEqual(error._tag, "TransportError")
        if (error._tag === "TransportError") {
          assert.strictEqual(error.phase, "connect")
          assert.include(error.reason, "ECONNREFUSED")
        }
      }))

    it.scopedLive("reset before the headers: TransportError before any response", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) => socket.resetAndDestroy())
        const error = failure(yield* Effect.exit(whoami(server.url)))
        assert.deepStrictEqual([error._tag, error._tag === "TransportError" && error.phase], [
          "TransportError",
          "request"
        ])
      }))

    it.scopedLive("a server that reads the whole sign-in form, then resets before any header: sign-in is sent once, others are retried", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) => setTimeout(() => socket.resetAndDestroy(), 20))
        const signedIn = signIn({ login: "me", password: "pw" }).pipe(
          Retry.retry({ policy: fast }),
          provide({ plexTvUrl: server.url })
        )
        const error = failure(yield* Effect.exit(signedIn))
        assert.deepStrictEqual([error._tag, error._tag === "TransportError" && error.phase], [
          "TransportError",
          "request"
        ])
        assert.strictEqual(server.heads.length, 1)
        assert.match(server.heads[0]!, /^POST \/users\/signin /)
        failure(yield* Effect.exit(whoami(server.url).pipe(Retry.retry({ policy: fast }))))
        assert.strictEqual(server.heads.length, 1 + 4)
      }))

    it.scopedLive("reset mid-body: TransportError while reading the response", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) => {
          socket.write(
            head(200, { "content-type": "application/json", "content-length": 1000 }) + userJson.slice(0, 20)
          )
          setTimeout(() => socket.resetAndDestroy(), 20)
        })
        const error = failure(yield* Effect.exit(whoami(server.url)))
        assert.deepStrictEqual([error._tag, error._tag === "TransportError" && error.phase], [
          "TransportError",
          "response"
        ])
      }))

    it.scopedLive("close after the headers: TransportError while reading the response", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) => {
          socket.end(head(200, { "content-type": "application/json", "content-length": 500 }))
        })
        const error = failure(yield* Effect.exit(whoami(server.url)))
        assert.deepStrictEqual([error._tag, error._tag === "TransportError" && error.phase], [
          "TransportError",
          "response"
        ])
      }))

    it.scopedLive("a server that never answers: each attempt times out, and the deadline holds", () =>
      Effect.gen(function*() {
        const server = yield* raw(() => {})
        const started = Date.now()
        const timedOut = failure(yield* Effect.exit(whoami(server.url).pipe(Retry.withAttemptTimeout("300 millis"))))
        assert.strictEqual(timedOut._tag, "Timeout")
        const deadline = failure(
          yield* Effect.exit(
            whoami(server.url).pipe(Retry.retry({ policy: fast, attemptTimeout: "200 millis", deadline: "700 millis" }))
          )
        )
        assert.strictEqual((deadline as { _tag: string })._tag, "DeadlineExceeded")
        assert.isBelow(Date.now() - started, 3000)
        assert.isAtLeast(server.heads.length, 3)
      }))

    it.scopedLive("a slow trickle of body: the attempt timeout covers the body too", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) => {
          socket.write(head(200, { "content-type": "application/json", "content-length": userJson.length }))
          let sent = 0
          const timer = setInterval(() => {
            if (socket.destroyed || sent >= userJson.length) return clearInterval(timer)
            socket.write(userJson[sent++]!)
          }, 50)
          socket.on("close", () => clearInterval(timer))
        })
        const error = failure(yield* Effect.exit(whoami(server.url).pipe(Retry.withAttemptTimeout("400 millis"))))
        assert.strictEqual(error._tag, "Timeout")
      }))
  })

  describe("status faults", () => {
    // The wait is on the clock the call runs on: the TestClock here, moved by
    // hand, so the test proves the wait without spending it.
    it.scoped("429 with Retry-After in seconds, then with an HTTP-date: waits it out, then succeeds", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.now())
        const fake = yield* PlexFake.serve()
        const account = yield* fake.issueToken("demo")
        const call = getTokenDetails().pipe(
          Retry.retry({ policy: fast }),
          provide({ plexTvUrl: fake.plexTvUrl, token: account })
        )
        const realWait = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))
        const answered = (n: number) =>
          Effect.gen(function*() {
            while ((yield* fake.journal).length < n) yield* realWait(10)
          })
        // The clock stands still between adjustments, so the wait asked for is known to the millisecond.
        const waitsOut = (retryAfter: (now: number) => readonly [header: string, waitMillis: number], before: number) =>
          Effect.gen(function*() {
            const [header, wait] = retryAfter(yield* Clock.currentTimeMillis)
            yield* fake.inject("user", PlexFake.Faults.status(429, { retryAfter: header }), { times: 1 })
            const running = yield* Effect.fork(call)
            yield* answered(before + 1)
            yield* realWait(50)
            yield* TestClock.adjust(wait - 1)
            yield* realWait(50)
            assert.isTrue(Option.isNone(yield* Fiber.poll(running)), `sent again before ${wait} ms`)
            yield* TestClock.adjust(1)
            yield* Fiber.join(running)
          })
        yield* waitsOut(() => ["1", 1000], 0)
        // An HTTP-date has whole seconds: 2 s from the start of this second.
        yield* waitsOut((now) => {
          const at = Math.floor(now / 1000) * 1000 + 2000
          return [new Date(at).toUTCString(), at - now]
        }, 2)
        assert.deepStrictEqual((yield* fake.journal).map((e) => e.status), [429, 200, 429, 200])
      }))

    it.scopedLive("a burst of 503s: backs off, then succeeds; past the budget, a typed failure with the attempt count", () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve()
        const account = yield* fake.issueToken("demo")
        const call = getTokenDetails().pipe(
          Retry.retry({ policy: fast }),
          provide({ plexTvUrl: fake.plexTvUrl, token: account })
        )
        yield* fake.inject("user", PlexFake.Faults.status(503), { times: 3 })
        yield* call
        yield* fake.inject("user", PlexFake.Faults.status(502), { times: 10 })
        const error = failure(yield* Effect.exit(call))
        assert.strictEqual(error._tag, "UnexpectedStatus")
        if (error._tag === "UnexpectedStatus") assert.deepStrictEqual([error.status, error.attempts], [502, 4])
      }))
  })

  describe("body faults", () => {
    const served = (status: number, contentType: string, body: string) =>
      raw((socket) =>
        socket.end(head(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) }) + body)
      )

    const cases: ReadonlyArray<readonly [string, string, string, string]> = [
      ["malformed", "application/json", "{\"id\": 1, \"uuid\" \"x\"}", "BodyError(MalformedJson)"],
      ["truncated", "application/json", userJson.slice(0, 30), "BodyError(MalformedJson)"],
      ["empty", "application/json", "", "BodyError(Empty)"],
      ["XML", "application/xml", "<user id=\"1\" uuid=\"x\" authToken=\"y\"/>", "BodyError(NotJson)"],
      ["HTML", "text/html", "<html><body>Bad gateway</body></html>", "BodyError(NotJson)"],
      [
        "valid JSON, wrong types",
        "application/json",
        JSON.stringify({ id: "one", uuid: 7, authToken: null }),
        "BodyError(SchemaMismatch)"
      ]
    ]
    for (const [label, contentType, body, tag] of cases) {
      it.scopedLive(`${label}: ${tag}`, () =>
        Effect.gen(function*() {
          const server = yield* served(200, contentType, body)
          assert.strictEqual(outcome(failure(yield* Effect.exit(whoami(server.url)))), tag)
        }))
    }

    // 1 KB on the wire, 32 MiB inflated: fetch inflates what it reads, the
    // other transports hand over the encoded bytes.
    it.scopedLive("a gzip bomb: TooLarge where the transport inflates it, NotJson naming gzip where not", () =>
      Effect.gen(function*() {
        const bomb = zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20))
        const server = yield* raw((socket) => {
          socket.write(
            head(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": bomb.length })
          )
          socket.end(bomb)
        })
        const error = failure(yield* Effect.exit(whoami(server.url)))
        if (_name === "FetchHttpClient") {
          assert.strictEqual(outcome(error), "BodyError(TooLarge)")
        } else {
          assert.strictEqual(outcome(error), "BodyError(NotJson)")
          if (error._tag === "BodyError") {
            assert.strictEqual(error.contentEncoding, "gzip")
            assert.include(error.message, "gzip-encoded body (application/json) that the transport did not decode")
          }
        }
      }))

    it.scopedLive("a wrong content type on a JSON body still decodes (we asked for JSON)", () =>
      Effect.gen(function*() {
        const server = yield* served(200, "text/plain", userJson)
        assert.strictEqual((yield* whoami(server.url)).id, 1)
      }))

    it.scopedLive("a 50 MB body, declared or chunked: TooLarge, without buffering it", () =>
      Effect.gen(function*() {
        const total = 50 * 1024 * 1024
        const chunk = Buffer.alloc(64 * 1024, 32)
        const sent = { declared: 0, chunked: 0 }
        const pump = (
          socket: Socket,
          kind: keyof typeof sent,
          frame: (b: Buffer) => Buffer | string
        ) => {
          const write = () => {
            while (sent[kind] < total && !socket.destroyed) {
              sent[kind] += chunk.length
              if (!socket.write(frame(chunk))) return socket.once("drain", write)
            }
            if (!socket.destroyed) socket.end(frame === identity ? "" : "0\r\n\r\n")
          }
          write()
        }
        const identity = (b: Buffer) => b
        const declared = yield* raw((socket) => {
          socket.write(head(200, { "content-type": "application/json", "content-length": total }))
          pump(socket, "declared", identity)
        })
        const chunked = yield* raw((socket) => {
          socket.write(head(200, { "content-type": "application/json", "transfer-encoding": "chunked" }))
          pump(
            socket,
            "chunked",
            (b) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")])
          )
        })
        for (const server of [declared, chunked]) {
          const error = failure(yield* Effect.exit(whoami(server.url)))
          assert.strictEqual(outcome(error), "BodyError(TooLarge)")
          while (server.closed.count === 0) yield* Effect.sleep("10 millis")
        }
        // The client hung up long before the server could send it all.
        assert.isBelow(sent.declared, total / 2)
        assert.isBelow(sent.chunked, total / 2)
      }))
  })

  describe("redirects", () => {
    const isFetch = _name === "FetchHttpClient"
    // fetch refuses a 3xx inside the transport (its status unknown); node:http and undici hand it back.
    const expected = (status: number) => isFetch ? ["TransportError", "redirect"] : ["UnexpectedStatus", status]
    const outcome = (error: PlexError | { readonly _tag: string }) =>
      error._tag === "TransportError"
        ? [error._tag, (error as { phase: string }).phase]
        : [error._tag, (error as { status?: number }).status]
    const redirectingTo = (elsewhere: string, status: number) =>
      raw((socket, request) =>
        socket.end(head(status, { location: `${elsewhere}${request.split(" ")[1]}`, "content-length": 0 }))
      )

    it.scopedLive("a 301, 302, 303, 307 or 308 to another origin is not followed: neither token nor password travels", () =>
      Effect.gen(function*() {
        const elsewhere = yield* raw((socket) => socket.end(head(200, { "content-length": 0 })))
        for (const status of [301, 302, 303, 307, 308]) {
          const redirecting = yield* redirectingTo(elsewhere.url, status)
          const whoamiError = failure(yield* Effect.exit(whoami(redirecting.url)))
          assert.deepStrictEqual(outcome(whoamiError), expected(status), `whoami ${status}`)
          const signInError = failure(
            yield* Effect.exit(
              signIn({ login: "me", password: "pw-SECRET" }).pipe(provide({ plexTvUrl: redirecting.url }))
            )
          )
          assert.deepStrictEqual(outcome(signInError), expected(status), `signIn ${status}`)
          assert.strictEqual(redirecting.heads.length, 2)
        }
        assert.strictEqual(elsewhere.heads.length, 0)
      }))

    if (isFetch) {
      it.scopedLive("with HttpClient.followRedirects around the client, fetch still sends nothing again", () =>
        Effect.gen(function*() {
          const following = Layer.effect(
            HttpClient.HttpClient,
            Effect.map(HttpClient.HttpClient, HttpClient.followRedirects(5))
          ).pipe(Layer.provide(transport))
          const elsewhere = yield* raw((socket) => socket.end(head(200, { "content-length": 0 })))
          for (const status of [301, 302, 303, 307, 308]) {
            const redirecting = yield* redirectingTo(elsewhere.url, status)
            const credentials = PlexCredentials.layer({
              clientIdentifier: "faults",
              token,
              plexTvUrl: redirecting.url,
              serverUrl: redirecting.url
            })
            const calls: ReadonlyArray<Effect.Effect<unknown, PlexError, HttpClient.HttpClient | PlexCredentials>> = [
              getTokenDetails(),
              signIn({ login: "me", password: "pw-SECRET" }),
              getSourceConnectionInformation({ source: "server://x" })
            ]
            for (const call of calls) {
              const error = failure(yield* Effect.exit(call.pipe(Effect.provide(Layer.merge(following, credentials)))))
              assert.deepStrictEqual(outcome(error), ["TransportError", "redirect"], `${status}`)
            }
            assert.strictEqual(redirecting.heads.length, 3)
          }
          assert.strictEqual(elsewhere.heads.length, 0)
        }))
    }

    it.scopedLive("a redirect loop ends after one request", () =>
      Effect.gen(function*() {
        const loop = yield* raw((socket, request) => {
          const path = request.split(" ")[1]
          socket.end(head(307, { location: path!, "content-length": 0 }))
        })
        const error = failure(yield* Effect.exit(whoami(loop.url).pipe(Retry.retry({ policy: fast }))))
        assert.deepStrictEqual(outcome(error), expected(307))
        assert.strictEqual(loop.heads.length, 1)
      }))
  })

  describe("bad input", () => {
    it.scopedLive("CR, LF or NUL in the token, client identifier or device name, or an empty token: InvalidCredentials, nothing sent", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) => socket.end(head(200, { "content-length": 0 })))
        for (
          const options of [
            { token: "tok\r\nX-Evil: 1" },
            { token: "tok\u0000" },
            { token: "" },
            { token: "tok✓" },
            { token: "tok\u200bx" },
            { token: " tok " },
            { clientIdentifier: "id\nX-Evil: 1" },
            { deviceName: "tv\r" }
          ]
        ) {
          const exit = yield* Effect.exit(whoami(server.url).pipe(provide(options)))
          assert.strictEqual((failure(exit) as { _tag: string })._tag, "InvalidCredentials", JSON.stringify(options))
        }
        assert.strictEqual(server.heads.length, 0)
      }))

    it.scopedLive("a token a server planted outside ASCII, used with withToken: InvalidCredentials, never a defect", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) => socket.end(head(200, { "content-length": 0 })))
        const exit = yield* Effect.exit(
          getTokenDetails().pipe(withToken("acct✓token"), provide({ plexTvUrl: server.url }))
        )
        assert.strictEqual((failure(exit) as { _tag: string })._tag, "InvalidCredentials")
        assert.strictEqual(server.heads.length, 0)
      }))

    it.scopedLive("a device name outside Latin-1 goes out as UTF-8; a source with spaces, &, CR, LF and NUL is percent-encoded", () =>
      Effect.gen(function*() {
        const server = yield* raw((socket) =>
          socket.end(
            head(200, { "content-type": "application/json", "content-length": Buffer.byteLength(userJson) }) + userJson
          )
        )
        yield* getTokenDetails().pipe(provide({ plexTvUrl: server.url, deviceName: "Zoë's 📺 Wohnzimmer" }))
        const deviceLine = server.heads[0]!.split("\r\n").find((l) =>
          l.toLowerCase().startsWith("x-plex-device-name:")
        )!
        assert.strictEqual(
          Buffer.from(deviceLine.slice(deviceLine.indexOf(":") + 1).trim(), "latin1").toString("utf8"),
          "Zoë's 📺 Wohnzimmer"
        )

        yield* Effect.exit(
          getSourceConnectionInformation({ source: "server://a b&c=d\r\n\u0000é" }).pipe(
            provide({ serverUrl: server.url })
          )
        )
        const requestLine = server.heads[1]!.split("\r\n")[0]!
        assert.strictEqual(
          requestLine,
          "GET /security/resources?source=server%3A%2F%2Fa%20b%26c%3Dd%0D%0A%00%C3%A9 HTTP/1.1"
        )
      }))
  })

  it.scopedLive("interrupting the fiber aborts the socket, and the server sees the close", () =>
    Effect.gen(function*() {
      const server = yield* raw(() => {})
      const fiber = yield* Effect.fork(whoami(server.url))
      while (server.heads.length === 0) yield* Effect.sleep("5 millis")
      yield* Fiber.interrupt(fiber)
      const started = Date.now()
      while (server.closed.count < server.opened.count && Date.now() - started < 2000) yield* Effect.sleep("10 millis")
      assert.isAtLeast(server.opened.count, 1)
      assert.strictEqual(server.closed.count, server.opened.count)
    }))
})
