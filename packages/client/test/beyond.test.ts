import { PlexFake } from "@effect-plex/testing"
import { NodeContext } from "@effect/platform-node"
import type { FileSystem } from "@effect/platform/FileSystem"
import type { Path } from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import {
  Chunk,
  ConfigProvider,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Redacted,
  Schedule,
  Schema,
  Stream,
  TestClock
} from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ClientIdentity from "../src/ClientIdentity.js"
import * as Jwt from "../src/Jwt.js"
import * as KeyStore from "../src/KeyStore.js"
import * as Pin from "../src/Pin.js"
import { PlexCredentials } from "../src/PlexCredentials.js"
import { getResources, isServer, Resource } from "../src/Resource.js"
import { connect, isPrivateAddress } from "../src/ServerConnection.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import { ping, signOut, TokenValidity, validate } from "../src/TokenLifecycle.js"
import { getTransientToken } from "../src/TransientToken.js"
import { outcome } from "./support/outcome.js"
import { provide } from "./support/plex.js"
import { json, scripted } from "./support/scriptedHttp.js"

const app = (token?: Redacted.Redacted<string>) =>
  PlexCredentials.layer({ clientIdentifier: "beyond-tests", product: "Beyond Tests", token })

/** Advances the TestClock in steps, so forked fibers can register their sleeps in between. */
const advance = (total: Duration.DurationInput, steps = 20) =>
  Effect.forEach(
    Array.from({ length: steps }),
    () => TestClock.adjust(Duration.divide(Duration.decode(total), steps).pipe(Option.getOrThrow)),
    {
      discard: true
    }
  )

const withFake = <A, E, R>(
  body: (fake: PlexFake.PlexFakeService) => Effect.Effect<A, E, R>,
  options: PlexFake.PlexFakeOptions = {}
) => Effect.flatMap(PlexFake.PlexFake, body).pipe(Effect.provide(Layer.fresh(PlexFake.layer(options))))

describe("PIN login", () => {
  it.effect("creates a strong PIN, builds the Auth App URL, and waits for the token once claimed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const pin = yield* Pin.createPin().pipe(Effect.provide(app()))
        assert.strictEqual(pin.code.length, 25)
        assert.isTrue(Option.isNone(pin.authToken))
        const url = yield* Pin.authAppUrl(pin, { forwardUrl: "https://my.app/done?x=1" }).pipe(Effect.provide(app()))
        assert.strictEqual(
          url,
          `https://app.plex.tv/auth#?clientID=beyond-tests&code=${pin.code}&context[device][product]=Beyond%20Tests&forwardUrl=https%3A%2F%2Fmy.app%2Fdone%3Fx%3D1`
        )
        const waiting = yield* Effect.fork(Pin.waitForToken(pin).pipe(Effect.provide(app())))
        yield* TestClock.adjust("3 seconds")
        assert.isNull(waiting.unsafePoll())
        yield* fake.claimPin(pin.id, "demo")
        yield* TestClock.adjust("1 second")
        const token = yield* Fiber.join(waiting)
        const account = yield* getTokenDetails().pipe(Effect.provide(app(token)))
        assert.strictEqual(Option.getOrNull(account.username), "demo")
        const polls = (yield* fake.journal).filter((e) => e.path.startsWith("/api/v2/pins/"))
        assert.deepStrictEqual(polls.map((e) => e.at), [0, 1000, 2000, 3000, 4000])
      })
    ))

  it.effect("a short PIN expires after 15 minutes of TestClock time: waitForToken fails with PinExpired", () =>
    withFake(() =>
      Effect.gen(function*() {
        const pin = yield* Pin.createPin({ strong: false }).pipe(Effect.provide(app()))
        assert.strictEqual(pin.code.length, 4)
        assert.deepStrictEqual(pin.expiresIn, Option.some(900))
        const everyMinute = { schedule: Schedule.spaced("1 minute") }
        const waiting = yield* Effect.fork(Pin.waitForToken(pin, everyMinute).pipe(Effect.provide(app()), Effect.flip))
        yield* advance("14 minutes", 14)
        assert.isNull(waiting.unsafePoll())
        yield* advance("1 minute", 1)
        const error = yield* Fiber.join(waiting)
        assert.strictEqual(error._tag, "PinExpired")
      })
    ))

  it.effect("a wait survives a 503, a 429 and a dropped poll, and still gets the token", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const pin = yield* Pin.createPin().pipe(Effect.provide(app()))
        yield* fake.inject("getPin", PlexFake.Faults.status(503), { times: 6 })
        yield* fake.inject("getPin", PlexFake.Faults.status(429, { retryAfter: "2" }), { times: 1 })
        yield* fake.inject("getPin", PlexFake.Faults.drop, { times: 1 })
        const waiting = yield* Effect.fork(Pin.waitForToken(pin).pipe(Effect.provide(app())))
        yield* advance("60 seconds", 60)
        assert.isNull(waiting.unsafePoll())
        yield* fake.claimPin(pin.id, "demo")
        yield* advance("5 seconds", 5)
        const token = yield* Fiber.join(waiting)
        assert.isTrue(Redacted.value(token).length > 0)
        const statuses = (yield* fake.journal).filter((e) => e.path.startsWith("/api/v2/pins/")).map((e) => e.status)
        assert.includeMembers(statuses, [503, 429, "dropped", 200])
      })
    ))

  it.effect("when the caller's own schedule ends first, the wait fails with PinNotClaimed, not PinExpired", () =>
    withFake(() =>
      Effect.gen(function*() {
        const pin = yield* Pin.createPin().pipe(Effect.provide(app()))
        const threePolls = { schedule: Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(2))) }
        const waiting = yield* Effect.fork(Pin.waitForToken(pin, threePolls).pipe(Effect.provide(app()), Effect.flip))
        yield* advance("3 seconds", 3)
        const error = yield* Fiber.join(waiting)
        assert.strictEqual(error._tag, "PinNotClaimed")
        assert.include(error.message, "still valid")
      })
    ))

  it.effect("an unknown PIN is PinNotFound (404, code 1020); polling is a Stream and can be interrupted", () =>
    withFake(() =>
      Effect.gen(function*() {
        const missing = yield* Pin.getPin(424242).pipe(Effect.provide(app()), Effect.flip)
        assert.strictEqual(missing._tag, "PinNotFound")
        const pin = yield* Pin.createPin().pipe(Effect.provide(app()))
        const seen = yield* Pin.poll(pin, { schedule: Schedule.spaced("2 seconds") }).pipe(
          Stream.take(3),
          Stream.runCollect,
          Effect.provide(app()),
          Effect.fork
        )
        yield* TestClock.adjust("4 seconds")
        assert.strictEqual(Chunk.size(yield* Fiber.join(seen)), 3)
        const forever = yield* Effect.fork(Pin.waitForToken(pin).pipe(Effect.provide(app())))
        yield* TestClock.adjust("2 seconds")
        assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(forever)))
      })
    ))
})

describe("PIN waits: Retry-After, expiry and foreign answers", () => {
  const pinBody = { id: 7, code: "abcd", clientIdentifier: "beyond-tests" }
  const decodePin = Schema.decodeUnknownSync(Pin.Pin)
  const wait = (pin: Pin.Pin) => Pin.waitForToken(pin).pipe(Effect.provide(app()), Effect.flip, Effect.fork)

  it.effect("a 429 asking for an hour, past the PIN's expiry, ends the wait with RateLimited after one poll", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const pin = yield* Pin.createPin().pipe(Effect.provide(app()))
        yield* fake.inject("getPin", PlexFake.Faults.status(429, { retryAfter: "3600" }))
        const waiting = yield* wait(pin)
        yield* advance("30 seconds", 30)
        const error = yield* Fiber.join(waiting)
        assert.strictEqual(error._tag, "RateLimited")
        const polls = (yield* fake.journal).filter((e) => e.path.startsWith("/api/v2/pins/"))
        assert.strictEqual(polls.length, 1)
      })
    ))

  it.effect("a 503 with Retry-After past the PIN's expiry ends the wait with that UnexpectedStatus", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const pin = yield* Pin.createPin().pipe(Effect.provide(app()))
        yield* fake.inject("getPin", PlexFake.Faults.status(503, { retryAfter: "3600" }))
        const waiting = yield* wait(pin)
        yield* advance("30 seconds", 30)
        const error = yield* Fiber.join(waiting)
        assert.deepStrictEqual([error._tag, error._tag === "UnexpectedStatus" && error.status], [
          "UnexpectedStatus",
          503
        ])
        const polls = (yield* fake.journal).filter((e) => e.path.startsWith("/api/v2/pins/"))
        assert.strictEqual(polls.length, 1)
      })
    ))

  it.effect("a Retry-After within the PIN's life is waited out before every next poll", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const pin = yield* Pin.createPin().pipe(Effect.provide(app()))
        yield* fake.inject("getPin", PlexFake.Faults.status(429, { retryAfter: "90" }), { times: 3 })
        const waiting = yield* Effect.fork(Pin.waitForToken(pin).pipe(Effect.provide(app())))
        yield* advance("5 minutes", 300)
        yield* fake.claimPin(pin.id, "demo")
        yield* advance("2 seconds", 2)
        assert.isTrue(Redacted.value(yield* Fiber.join(waiting)).length > 0)
        const polls = (yield* fake.journal).filter((e) => e.path.startsWith("/api/v2/pins/"))
        const limited = polls.filter((e) => e.status === 429).map((e) => e.at)
        assert.strictEqual(limited.length, 3)
        const next = polls[3]!.at
        for (const [i, at] of [...limited.slice(1), next].entries()) assert.isAtLeast(at - limited[i]!, 90_000)
      })
    ))

  it.effect("a PIN with only expiresIn is waited on for that long, then PinExpired", () =>
    Effect.gen(function*() {
      const http = scripted(json(200, { ...pinBody, expiresIn: 60 }))
      const waiting = yield* Pin.waitForToken(decodePin({ ...pinBody, expiresIn: 60 })).pipe(
        provide(http.layer, { clientIdentifier: "beyond-tests" }),
        Effect.flip,
        Effect.fork
      )
      yield* advance("59 seconds", 59)
      assert.isNull(waiting.unsafePoll())
      yield* advance("2 seconds", 2)
      assert.strictEqual((yield* Fiber.join(waiting))._tag, "PinExpired")
      assert.isAtMost(http.requests.length, 61)
    }))

  it.effect("a PIN with no expiry at all is bounded by defaultPinLifetime", () =>
    Effect.gen(function*() {
      const http = scripted(json(200, pinBody))
      const waiting = yield* Pin.waitForToken(decodePin(pinBody), { schedule: Schedule.spaced("1 minute") }).pipe(
        provide(http.layer, { clientIdentifier: "beyond-tests" }),
        Effect.flip,
        Effect.fork
      )
      yield* advance(Duration.subtract(Pin.defaultPinLifetime, "1 minute"), 29)
      assert.isNull(waiting.unsafePoll())
      yield* advance("2 minutes", 2)
      assert.strictEqual((yield* Fiber.join(waiting))._tag, "PinExpired")
    }))

  it.effect("a poll whose own expiresAt has passed ends the wait with PinExpired", () =>
    Effect.gen(function*() {
      const http = scripted(json(200, { ...pinBody, expiresAt: "1970-01-01T00:00:10Z" }))
      const pin = decodePin({ ...pinBody, expiresAt: "2030-01-01T00:00:00Z" })
      yield* TestClock.setTime(60_000)
      const waiting = yield* Pin.waitForToken(pin).pipe(
        provide(http.layer, { clientIdentifier: "beyond-tests" }),
        Effect.flip,
        Effect.fork
      )
      yield* advance("3 seconds", 3)
      assert.strictEqual((yield* Fiber.join(waiting))._tag, "PinExpired")
      assert.strictEqual(http.requests.length, 1)
    }))

  for (
    const [field, answer] of [
      ["id", { ...pinBody, id: 8 }],
      ["code", { ...pinBody, code: "wxyz" }],
      ["clientIdentifier", { ...pinBody, clientIdentifier: "someone-else" }]
    ] as const
  ) {
    it.effect(`an answer with another PIN's ${field} is a SchemaMismatch, and its token is not handed out`, () =>
      Effect.gen(function*() {
        const http = scripted(json(200, { ...answer, authToken: "foreign-token-SECRET" }))
        const error = yield* Pin.waitForToken(decodePin(pinBody)).pipe(
          provide(http.layer, { clientIdentifier: "beyond-tests" }),
          Effect.flip
        )
        assert.strictEqual(outcome(error), "BodyError(SchemaMismatch)")
        if (error._tag === "BodyError") assert.deepStrictEqual(error.issues?.map((i) => i.path), [field])
        assert.notInclude(String(error), "foreign-token-SECRET")
      }))
  }
})

describe("resources and connection racing", () => {
  const discover = (fake: PlexFake.PlexFakeService) =>
    Effect.gen(function*() {
      const token = yield* fake.issueToken("demo")
      const [server] = (yield* getResources().pipe(Effect.provide(app(token)))).filter(isServer)
      return { server: server!, token }
    })

  it.effect("lists the server with its local, remote and relay connections", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { server } = yield* discover(fake)
        assert.strictEqual(server.clientIdentifier, PlexFake.machineIdentifier)
        assert.deepStrictEqual(server.connections.map((c) => [c.local, c.relay]), [[true, false], [false, false], [
          false,
          true
        ]])
        assert.isTrue(Option.isSome(server.accessToken))
        const token = yield* fake.issueToken("demo")
        const withoutRelay = yield* getResources({ includeRelay: false }).pipe(Effect.provide(app(token)))
        assert.strictEqual(withoutRelay[0]!.connections.length, 2)
      })
    ))

  it.effect("picks the local connection when it answers within the grace window, and runs PMS calls through it", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { server, token } = yield* discover(fake)
        const [local, remote] = fake.connections
        yield* fake.setConnection(local!.uri, PlexFake.Connections.slow("100 millis"))
        const racing = yield* Effect.fork(connect(server).pipe(Effect.provide(app(token))))
        yield* advance("300 millis", 30)
        const connected = yield* Fiber.join(racing)
        assert.strictEqual(connected.connection.uri, local!.uri)
        assert.isTrue(connected.probes.some((p) => p.connection.uri === remote!.uri && Option.isSome(p.latency)))
        const probes = (yield* fake.journal).filter((e) => e.path === "/identity" || e.path === "/relay/identity")
        assert.isTrue(probes.every((p) => p.headers["x-plex-client-identifier"] === "beyond-tests"))
        yield* fake.setConnection(local!.uri, PlexFake.Connections.ok)
        const transient = yield* getTransientToken().pipe(Effect.provide(connected.credentials))
        assert.match(Redacted.value(transient.token), /^transient-/)
      })
    ))

  it.effect("picks a remote connection when the local one hangs, and interrupts the losers", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { server, token } = yield* discover(fake)
        const [local, remote, relay] = fake.connections
        yield* fake.setConnection(local!.uri, PlexFake.Connections.hang)
        yield* fake.setConnection(relay!.uri, PlexFake.Connections.slow("10 seconds"))
        const racing = yield* Effect.fork(
          connect(server, { graceWindow: "250 millis" }).pipe(Effect.provide(app(token)))
        )
        yield* advance("250 millis", 10)
        const connected = yield* Fiber.join(racing)
        assert.strictEqual(connected.connection.uri, remote!.uri)
        const journal = yield* fake.journal
        const statusOf = (uri: string) =>
          journal.filter((e) => e.path.endsWith("/identity")).find((e) =>
            uri === remote!.uri ? e.status === 200 : e.status === "interrupted"
          )
        assert.isDefined(statusOf(remote!.uri))
        assert.strictEqual(journal.filter((e) => e.status === "interrupted").length, 2)
      })
    ))

  it.effect("probes without any token; hands the configured token on when the resource lists none", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { server, token } = yield* discover(fake)
        const tokenless = Schema.decodeSync(Resource)({
          ...Schema.encodeSync(Resource)(server),
          accessToken: undefined
        })
        const connected = yield* connect(tokenless).pipe(Effect.provide(app(token)))
        const probes = (yield* fake.journal).filter((e) => e.path.endsWith("/identity"))
        assert.isAbove(probes.length, 0)
        assert.isTrue(probes.every((p) => p.headers["x-plex-token"] === undefined))
        const transient = yield* getTransientToken().pipe(Effect.provide(connected.credentials))
        assert.match(Redacted.value(transient.token), /^transient-/)
      })
    ))

  it.effect("fails with NoConnection listing each candidate's reason when none answers", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { server, token } = yield* discover(fake)
        for (const c of fake.connections) yield* fake.setConnection(c.uri, PlexFake.Connections.unreachable)
        const error = yield* connect(server).pipe(Effect.provide(app(token)), Effect.flip)
        assert.strictEqual(error._tag, "NoConnection")
        if (error._tag === "NoConnection") {
          assert.deepStrictEqual(error.candidates.map((c) => c.uri), fake.connections.map((c) => c.uri))
          assert.isTrue(error.candidates.every((c) => c.reason.includes("connection failed")))
        }
      })
    ))

  it.effect("probes at most 16 connections at once, best-ranked first", () =>
    Effect.gen(function*() {
      const uris = Array.from({ length: 40 }, (_, i) => `http://10.0.${i >> 8}.${i & 255}:32400`)
      const resource = Schema.decodeSync(Resource)({
        clientIdentifier: "many",
        accessToken: "resource-token",
        connections: [...uris.map((uri) => ({ uri })), {
          uri: "https://192-168-1-2.abc.plex.direct:32400",
          local: true
        }]
      })
      const http = scripted({ hang: true })
      const racing = yield* Effect.fork(
        connect(resource, { probeTimeout: "1 minute" }).pipe(provide(http.layer), Effect.flip)
      )
      yield* TestClock.adjust("1 second")
      assert.strictEqual(http.requests.length, 16)
      assert.strictEqual(http.requests[0]!.url, "https://192-168-1-2.abc.plex.direct:32400/identity")
      yield* Fiber.interrupt(racing)
    }))

  it.effect("sends no token over plain http to a public address unless allowInsecure; private ones are used", () =>
    Effect.gen(function*() {
      const resource = Schema.decodeSync(Resource)({
        clientIdentifier: "mixed",
        connections: [{ uri: "http://203.0.113.9:32400" }, { uri: "http://example.com:32400" }]
      })
      const http = scripted(json(200, { MediaContainer: { machineIdentifier: "mixed" } }))
      const error = yield* connect(resource).pipe(provide(http.layer), Effect.flip)
      assert.strictEqual(http.requests.length, 0)
      assert.strictEqual(error._tag, "NoConnection")
      if (error._tag === "NoConnection") {
        assert.isTrue(error.candidates.every((c) => c.reason.includes("allowInsecure")))
      }
      const connected = yield* connect(resource, { allowInsecure: true }).pipe(provide(http.layer))
      assert.strictEqual(connected.connection.uri, "http://203.0.113.9:32400")
      assert.isUndefined(http.requests[0]!.headers["x-plex-token"])
    }))

  it.effect("a resource token that no header can carry is InvalidCredentials before any probe is sent", () =>
    Effect.gen(function*() {
      for (const accessToken of ["tok en", "tok\r\nX-Evil: 1", "tök"]) {
        const resource = Schema.decodeSync(Resource)({
          clientIdentifier: "bad-token",
          accessToken,
          connections: [{ uri: "http://192.168.1.10:32400", local: true }]
        })
        const http = scripted(json(200, { MediaContainer: { machineIdentifier: "bad-token" } }))
        const error = yield* connect(resource).pipe(provide(http.layer), Effect.flip)
        assert.strictEqual(error._tag, "InvalidCredentials", JSON.stringify(accessToken))
        assert.strictEqual(http.requests.length, 0)
      }
    }))

  it.effect("a connection that answers as another server is not chosen, even when it alone answers", () =>
    Effect.gen(function*() {
      const resource = Schema.decodeSync(Resource)({
        clientIdentifier: "the-server",
        accessToken: "resource-token",
        connections: [{ uri: "http://192.168.1.10:32400", local: true }]
      })
      const http = scripted(json(200, { MediaContainer: { machineIdentifier: "someone-else" } }))
      const error = yield* connect(resource).pipe(provide(http.layer), Effect.flip)
      assert.strictEqual(error._tag, "NoConnection")
      if (error._tag === "NoConnection") assert.include(error.candidates[0]!.reason, "another server")
      assert.isUndefined(http.requests[0]!.headers["x-plex-token"])
    }))

  it("isPrivateAddress: loopback, RFC 1918 and plex.direct names of them; never link-local or metadata", () => {
    for (
      const uri of [
        "http://127.0.0.1:32400",
        "http://localhost:1",
        "http://[::1]:1",
        "http://10.1.2.3",
        "http://172.16.0.1",
        "http://172.31.255.255",
        "http://192.168.1.10:32400",
        "https://192-168-1-10.0123abcd.plex.direct:32400"
      ]
    ) {
      assert.isTrue(isPrivateAddress(uri), uri)
    }
    for (
      const uri of [
        "http://203.0.113.7",
        "http://172.32.0.1",
        "http://192.169.0.1",
        "http://example.com",
        "https://203-0-113-7.0123abcd.plex.direct",
        "http://10.0.0.1.example.com",
        "http://169.254.169.254/latest/meta-data",
        "http://169.254.1.1",
        "http://[fe80::1]",
        "https://169-254-169-254.0123abcd.plex.direct",
        "not a url"
      ]
    ) {
      assert.isFalse(isPrivateAddress(uri), uri)
    }
  })

  it.effect("a probe that hangs is cut off by the probe timeout", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { server, token } = yield* discover(fake)
        for (const c of fake.connections) yield* fake.setConnection(c.uri, PlexFake.Connections.hang)
        const racing = yield* Effect.fork(
          connect(server, { probeTimeout: "2 seconds" }).pipe(Effect.provide(app(token)), Effect.flip)
        )
        yield* advance(Duration.seconds(2), 10)
        const error = yield* Fiber.join(racing)
        assert.strictEqual(error._tag, "NoConnection")
      })
    ))
})

describe("token lifecycle", () => {
  it.effect("ping keeps a token alive; signOut ends it; validate says Valid, then Invalid", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const token = yield* fake.issueToken("demo")
        yield* ping().pipe(Effect.provide(app(token)))
        assert.strictEqual((yield* validate().pipe(Effect.provide(app(token))))._tag, "Valid")
        yield* signOut().pipe(Effect.provide(app(token)))
        const after = yield* validate().pipe(Effect.provide(app(token)))
        assert.isTrue(TokenValidity.$is("Invalid")(after))
        assert.strictEqual((yield* validate().pipe(Effect.provide(app())))._tag, "Invalid")
      })
    ))

  it.effect("validate answers Unknown, never Invalid, when plex.tv is down, slow or erroring", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const token = yield* fake.issueToken("demo")
        for (
          const fault of [
            PlexFake.Faults.drop,
            PlexFake.Faults.status(503),
            PlexFake.Faults.status(403),
            PlexFake.Faults.htmlBody
          ]
        ) {
          yield* fake.inject("user", fault, { times: 1 })
          const verdict = yield* validate().pipe(Effect.provide(app(token)))
          assert.strictEqual(verdict._tag, "Unknown")
        }
        yield* fake.inject("user", PlexFake.Faults.delay("1 minute"), { times: 1 })
        const slow = yield* Effect.fork(validate().pipe(Effect.provide(app(token))))
        yield* TestClock.adjust("30 seconds")
        assert.strictEqual((yield* Fiber.join(slow))._tag, "Unknown")
        yield* fake.inject(
          "user",
          PlexFake.Faults.status(422, { body: "<errors><error>Invalid token</error></errors>" }),
          { times: 1 }
        )
        assert.strictEqual((yield* validate().pipe(Effect.provide(app(token))))._tag, "Invalid")
      })
    ))
})

describe("ClientIdentity", () => {
  it.effect("generates a UUID once, keeps it with mode 0600, and reads the same one back", () =>
    Effect.gen(function*() {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-identity-"))
      const provider = ConfigProvider.fromMap(new Map([["XDG_CONFIG_HOME", home]]))
      const first = yield* ClientIdentity.make({ appName: "my-app" }).pipe(Effect.withConfigProvider(provider))
      const second = yield* ClientIdentity.make({ appName: "my-app" }).pipe(Effect.withConfigProvider(provider))
      assert.match(first.clientIdentifier, /^[0-9a-f-]{36}$/)
      assert.strictEqual(second.clientIdentifier, first.clientIdentifier)
      assert.strictEqual(first.file, path.join(home, "my-app", "client-identifier"))
      assert.strictEqual(fs.statSync(first.file).mode & 0o777, 0o600)
      fs.rmSync(home, { recursive: true, force: true })
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("an uncreatable identifier file is a typed error naming its path, in one line", () =>
    Effect.gen(function*() {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-identity-"))
      // A file where the directory should be: unusable even for root.
      fs.writeFileSync(path.join(home, "my-app"), "not a directory")
      const provider = ConfigProvider.fromMap(new Map([["XDG_CONFIG_HOME", home]]))
      const error = yield* Effect.flip(
        ClientIdentity.make({ appName: "my-app" }).pipe(Effect.withConfigProvider(provider))
      )
      assert.strictEqual(error._tag, "ClientIdentityError")
      if (error._tag === "ClientIdentityError") {
        assert.strictEqual(error.file, path.join(home, "my-app", "client-identifier"))
        assert.include(error.message, path.join(home, "my-app", "client-identifier"))
        assert.notInclude(error.message, "\n")
      }
      fs.rmSync(home, { recursive: true, force: true })
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("KeyStore", () => {
  const inHome = <A, E>(
    body: (home: string, provider: ConfigProvider.ConfigProvider) => Effect.Effect<A, E, FileSystem | Path>
  ) =>
    Effect.gen(function*() {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-keys-"))
      const provider = ConfigProvider.fromMap(new Map([["XDG_CONFIG_HOME", home]]))
      return yield* body(home, provider).pipe(
        Effect.withConfigProvider(provider),
        Effect.ensuring(Effect.sync(() => fs.rmSync(home, { recursive: true, force: true })))
      )
    }).pipe(Effect.provide(NodeContext.layer))

  it.effect("creates a key once, beside the client identifier, mode 0600, and loads the same key back", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const first = yield* KeyStore.loadOrCreate()
        const second = yield* KeyStore.loadOrCreate()
        assert.strictEqual(second.kid, first.kid)
        assert.strictEqual(Redacted.value(second.privateKey), Redacted.value(first.privateKey))
        const file = path.join(home, "effect-plex", "device-key.json")
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600)
        assert.strictEqual(fs.statSync(path.dirname(file)).mode & 0o777, 0o700)
        assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ["device-key.json"])
      })
    ))

  it.effect("a world-readable key file is refused (exposed), and a corrupt one too; neither is overwritten", () =>
    inHome((home) =>
      Effect.gen(function*() {
        const key = yield* KeyStore.loadOrCreate()
        const file = path.join(home, "effect-plex", "device-key.json")
        fs.chmodSync(file, 0o644)
        const exposed = yield* Effect.flip(KeyStore.loadOrCreate())
        assert.strictEqual(exposed._tag === "KeyStoreError" && exposed.problem, "exposed")
        assert.include(exposed.message, "chmod 600")
        assert.notInclude(exposed.message, Redacted.value(key.privateKey))
        fs.chmodSync(file, 0o600)
        const kept = fs.readFileSync(file, "utf8")
        // Another key's private part under this kid: not the key it claims to be.
        const other = yield* Jwt.generateKey()
        fs.writeFileSync(file, kept.replace(Redacted.value(key.privateKey), Redacted.value(other.privateKey)))
        const tampered = yield* Effect.flip(KeyStore.loadOrCreate())
        assert.strictEqual(tampered._tag === "KeyStoreError" && tampered.problem, "corrupt")
        fs.writeFileSync(file, "{ not json")
        const corrupt = yield* Effect.flip(KeyStore.load())
        assert.strictEqual(corrupt._tag === "KeyStoreError" && corrupt.problem, "corrupt")
        assert.strictEqual(fs.readFileSync(file, "utf8"), "{ not json")
      })
    ))
})
