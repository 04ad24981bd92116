import * as Jwt from "@effect-plex/client/Jwt"
import * as Pin from "@effect-plex/client/Pin"
import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import { getTransientToken } from "@effect-plex/client/TransientToken"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import * as jose from "jose"
import * as PlexFake from "../src/PlexFake.js"

const clientIdentifier = "fake-jwt-device"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici]
]

const credentialsFor = (fake: PlexFake.PlexFakeService, token?: Redacted.Redacted<string>) =>
  PlexCredentials.layer({
    clientIdentifier,
    token,
    plexTvUrl: fake.plexTvUrl,
    clientsUrl: fake.clientsUrl,
    serverUrl: fake.serverUrl
  })

describe.each(transports)("JWT device auth over PlexFake.serve and %s", (_name, transport) => {
  it.scopedLive("generate, register, exchange, then Jwt.layer runs plex.tv and PMS calls", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve()
      const classic = yield* fake.issueToken("demo")
      const key = yield* Jwt.generateKey()
      yield* Jwt.registerKey(key).pipe(Effect.provide(credentialsFor(fake, classic)), Effect.provide(transport))
      const app = yield* Layer.memoize(
        Jwt.layer({ key }).pipe(Layer.provide(credentialsFor(fake)), Layer.provideMerge(transport))
      )
      const account = yield* getTokenDetails().pipe(Effect.provide(app))
      assert.strictEqual(Option.getOrThrow(account.username), "demo")
      const transient = yield* getTransientToken().pipe(Effect.provide(app))
      assert.match(Redacted.value(transient.token), /^transient-/)
      const journal = yield* fake.journal
      assert.deepStrictEqual(journal.filter((e) => e.path.startsWith("/clients/")).map((e) => [e.path, e.status]), [
        ["/clients/api/v2/auth/jwk", 204],
        ["/clients/api/v2/auth/nonce", 200],
        ["/clients/api/v2/auth/token", 200],
        ["/clients/api/v2/auth/keys", 200]
      ])
      // The journal keeps neither the device JWT nor the Plex JWT.
      const exchange = journal.find((e) => e.path === "/clients/api/v2/auth/token")!
      assert.strictEqual(exchange.body, "{\"jwt\":\"<redacted>\"}")
    }))

  it.scopedLive("the JWT PIN flow: no classic token, and the token that comes back is a Plex JWT", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve()
      const key = yield* Jwt.generateKey()
      const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
        self.pipe(Effect.provide(credentialsFor(fake)), Effect.provide(transport))
      const pin = yield* provide(Pin.createPin({ key, strong: false }))
      assert.strictEqual(pin.code.length, 4)
      yield* fake.claimPin(pin.code, "demo")
      const token = yield* provide(Pin.waitForToken(pin))
      const jwt = yield* provide(Jwt.verifyToken(token, key))
      assert.strictEqual(jwt.claims.thumbprint, key.kid)
    }))
})

/** A device JWT signed with `key`, claims overridable. */
const deviceJwt = (key: Jwt.DeviceKey, now: number, claims: Record<string, unknown>) =>
  Effect.promise(async () =>
    new jose.SignJWT({ scope: "username", iss: clientIdentifier, aud: "plex.tv", iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: "EdDSA", kid: key.kid })
      .sign(await jose.importJWK({ ...key.publicJwk, d: Redacted.value(key.privateKey) }, "EdDSA"))
  )

const headers = (token?: Redacted.Redacted<string>) => ({
  "accept": "application/json",
  "x-plex-client-identifier": clientIdentifier,
  ...(token === undefined ? {} : { "x-plex-token": Redacted.value(token) })
})

const post = (fake: PlexFake.PlexFakeService, path: string, body: unknown, token?: Redacted.Redacted<string>) =>
  fake.handle({
    method: "POST",
    url: new URL(`${fake.clientsUrl}${path}`),
    headers: { ...headers(token), "content-type": "application/json" },
    body: JSON.stringify(body)
  })

/** A GET of the fake's clients.plex.tv, its JSON answer read. */
const get = (fake: PlexFake.PlexFakeService, path: string) =>
  Effect.map(
    fake.handle({ method: "GET", url: new URL(`${fake.clientsUrl}${path}`), headers: headers(), body: "" }),
    (answer) =>
      answer._tag === "Reply"
        ? { status: answer.status, headers: answer.headers, body: JSON.parse(answer.body) as Record<string, unknown> }
        : undefined
  )

const nonce = (fake: PlexFake.PlexFakeService) =>
  Effect.map(get(fake, "/auth/nonce"), (answer) => String(answer?.body["nonce"]))

const statusOf = (answer: PlexFake.FakeResponse) => answer._tag === "Drop" ? "dropped" : answer.status

describe("the fake's clients.plex.tv checks what Plex checks", () => {
  const withRegistered = <A, E>(
    body: (setup: { fake: PlexFake.PlexFakeService; key: Jwt.DeviceKey; now: number }) => Effect.Effect<A, E>
  ) =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.PlexFake
      const key = yield* Jwt.generateKey()
      const registered = yield* post(fake, "/auth/jwk", { jwk: { ...key.publicJwk } }, yield* fake.issueToken("demo"))
      assert.strictEqual(statusOf(registered), 204)
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      return yield* body({ fake, key, now })
    }).pipe(Effect.provide(Layer.fresh(PlexFake.layer())))

  it.effect("registration needs a classic token and a public key (never a private one)", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.PlexFake
      const key = yield* Jwt.generateKey()
      assert.strictEqual(statusOf(yield* post(fake, "/auth/jwk", { jwk: { ...key.publicJwk } })), 401)
      const withPrivate = { jwk: { ...key.publicJwk, d: Redacted.value(key.privateKey) } }
      assert.strictEqual(statusOf(yield* post(fake, "/auth/jwk", withPrivate, yield* fake.issueToken("demo"))), 400)
      const journal = yield* fake.journal
      assert.notInclude(JSON.stringify(journal), Redacted.value(key.privateKey))
    }).pipe(Effect.provide(Layer.fresh(PlexFake.layer()))))

  it.effect("a nonce works once, and not after 5 minutes", () =>
    withRegistered(({ fake, key, now }) =>
      Effect.gen(function*() {
        const first = yield* nonce(fake)
        const jwt = yield* deviceJwt(key, now, { nonce: first })
        assert.strictEqual(statusOf(yield* post(fake, "/auth/token", { jwt })), 200)
        assert.strictEqual(statusOf(yield* post(fake, "/auth/token", { jwt })), 422, "used twice")
        const second = yield* nonce(fake)
        yield* TestClock.adjust("5 minutes")
        const later = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        const stale = yield* deviceJwt(key, later, { nonce: second })
        assert.strictEqual(statusOf(yield* post(fake, "/auth/token", { jwt: stale })), 422, "expired nonce")
      })
    ))

  it.effect("a device JWT with the wrong iss or aud, from the future, or living too long is refused", () =>
    withRegistered(({ fake, key, now }) =>
      Effect.gen(function*() {
        for (
          const claims of [
            { iss: "someone-else" },
            { aud: "example.com" },
            { iat: now + 120, exp: now + 400 },
            { exp: now + 3601 },
            { exp: now - 1 }
          ]
        ) {
          const jwt = yield* deviceJwt(key, now, { nonce: yield* nonce(fake), ...claims })
          assert.strictEqual(statusOf(yield* post(fake, "/auth/token", { jwt })), 422, JSON.stringify(claims))
        }
      })
    ))

  it.effect("a device JWT living an hour, as Plex's own example does, is taken; the Plex JWT echoes its nonce", () =>
    withRegistered(({ fake, key, now }) =>
      Effect.gen(function*() {
        const sent = yield* nonce(fake)
        const jwt = yield* deviceJwt(key, now, { nonce: sent, exp: now + 3600 })
        const answer = yield* post(fake, "/auth/token", { jwt })
        assert.strictEqual(statusOf(answer), 200)
        const token = answer._tag === "Reply" ? (JSON.parse(answer.body) as { auth_token: string }).auth_token : ""
        assert.strictEqual(jose.decodeJwt(token)["nonce"], sent)
      })
    ))

  it.effect("a Plex JWT expires on the Clock after 7 days, and then every route answers 498", () =>
    withRegistered(({ fake, key, now }) =>
      Effect.gen(function*() {
        const answer = yield* post(fake, "/auth/token", {
          jwt: yield* deviceJwt(key, now, { nonce: yield* nonce(fake) })
        })
        const token = answer._tag === "Reply" ? (JSON.parse(answer.body) as { auth_token: string }).auth_token : ""
        const app = credentialsFor(fake, Redacted.make(token))
        const run = <A, E>(self: Effect.Effect<A, E, HttpClient.HttpClient | PlexCredentials.PlexCredentials>) =>
          self.pipe(
            Effect.provide(app),
            Effect.provide(Layer.succeed(HttpClient.HttpClient, PlexFake.httpClient(fake)))
          )
        yield* run(getTokenDetails())
        yield* TestClock.adjust("7 days")
        const plexTv = yield* Effect.flip(run(getTokenDetails()))
        assert.strictEqual(plexTv._tag, "TokenExpired")
        const pms = yield* Effect.flip(run(getTransientToken()))
        assert.strictEqual(pms._tag, "TokenExpired")
      })
    ))

  it.effect("rotating the signing key: new tokens carry the new kid; retired keys leave /auth/keys", () =>
    withRegistered(({ fake }) =>
      Effect.gen(function*() {
        const keys = Effect.map(
          get(fake, "/auth/keys"),
          (answer) => (answer?.body["keys"] as Array<{ kid: string }>).map((k) => k.kid)
        )
        assert.deepStrictEqual(yield* keys, ["plex-signing-1"])
        yield* fake.rotateSigningKey()
        assert.deepStrictEqual(yield* keys, ["plex-signing-1", "plex-signing-2"])
        yield* fake.rotateSigningKey({ retire: true })
        assert.deepStrictEqual(yield* keys, ["plex-signing-3"])
      })
    ))

  it.effect("nonces are rate limited: a burst beyond the limit is 429 with Retry-After", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.PlexFake
      const statuses: Array<number | undefined> = []
      for (let i = 0; i < 4; i++) {
        const answer = yield* get(fake, "/auth/nonce")
        statuses.push(answer?.status)
        if (i === 3) assert.strictEqual(answer?.headers["retry-after"], "60")
      }
      assert.deepStrictEqual(statuses, [200, 200, 200, 429])
      const fiber = yield* Effect.fork(TestClock.adjust("60 seconds"))
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* Effect.map(nonce(fake), (n) => n.length > 0), true)
    }).pipe(Effect.provide(Layer.fresh(PlexFake.layer({ nonceBurst: 3 })))))
})
