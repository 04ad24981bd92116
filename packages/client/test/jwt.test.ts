import { PlexFake } from "@effect-plex/testing"
import { assert, describe, it } from "@effect/vitest"
import {
  Cause,
  Clock,
  Duration,
  Effect,
  Either,
  Exit,
  Layer,
  Option,
  Queue,
  Redacted,
  Schedule,
  Schema,
  Stream,
  TestClock
} from "effect"
import * as jose from "jose"
import { createHash } from "node:crypto"
import { inspect } from "node:util"
import * as Jwt from "../src/Jwt.js"
import * as Pin from "../src/Pin.js"
import * as PlexCredentials from "../src/PlexCredentials.js"
import * as Retry from "../src/Retry.js"
import { getTokenDetails } from "../src/TokenDetails.js"
import * as TokenLifecycle from "../src/TokenLifecycle.js"
import { getTransientToken } from "../src/TransientToken.js"
import { joinAdvancing } from "./support/clock.js"
import { json, scripted } from "./support/scriptedHttp.js"

const clientIdentifier = "jwt-device-1"

const credentials = (token?: Redacted.Redacted<string>, id = clientIdentifier) =>
  PlexCredentials.layer({
    clientIdentifier: id,
    product: "JWT tests",
    token,
    serverUrl: "http://plex-fake.invalid:32400"
  })

const withFake = <A, E, R>(
  body: (fake: PlexFake.PlexFakeService) => Effect.Effect<A, E, R>,
  options: PlexFake.PlexFakeOptions = {}
) => Effect.flatMap(PlexFake.PlexFake, body).pipe(Effect.provide(Layer.fresh(PlexFake.layer(options))))

/** A registered key and the classic token it was registered with. */
const registered = (fake: PlexFake.PlexFakeService, id = clientIdentifier) =>
  Effect.gen(function*() {
    const classic = yield* fake.issueToken("demo")
    const key = yield* Jwt.generateKey()
    yield* Jwt.registerKey(key).pipe(Effect.provide(credentials(classic, id)))
    return { classic, key }
  })

const exchanges = (fake: PlexFake.PlexFakeService) =>
  Effect.map(fake.journal, (entries) => entries.filter((e) => e.path === "/api/v2/auth/token").length)

const pathsOf = (fake: PlexFake.PlexFakeService) => Effect.map(fake.journal, (entries) => entries.map((e) => e.path))

describe("Jwt.generateKey", () => {
  it.effect("makes an Ed25519 key whose kid is the SHA-256 of private then public bytes, and hides d", () =>
    Effect.gen(function*() {
      const key = yield* Jwt.generateKey()
      const d = Redacted.value(key.privateKey)
      const expected = createHash("sha256")
        .update(Buffer.concat([Buffer.from(d, "base64url"), Buffer.from(key.publicJwk.x, "base64url")]))
        .digest("hex")
      assert.strictEqual(key.kid, expected)
      assert.deepStrictEqual(
        { ...key.publicJwk },
        { kty: "OKP", crv: "Ed25519", x: key.publicJwk.x, kid: expected, use: "sig", alg: "EdDSA" }
      )
      for (const text of [String(key), JSON.stringify(key), inspect(key, { depth: 10 })]) {
        assert.notInclude(text, d)
      }
      // The schema persists it and reads it back, private part included.
      const encoded = yield* Schema.encode(Schema.parseJson(Jwt.DeviceKey))(key)
      assert.include(encoded, d)
      const back = yield* Schema.decodeUnknown(Schema.parseJson(Jwt.DeviceKey))(encoded)
      assert.strictEqual(Redacted.value(back.privateKey), d)
      assert.strictEqual(back.kid, key.kid)
    }))
})

describe("Jwt against the fake", () => {
  it.effect("registers a key, exchanges a device JWT for a verified Plex JWT, and uses it as a token", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { key } = yield* registered(fake)
        const start = yield* TestClockNow
        const jwt = yield* Jwt.exchange(key).pipe(Effect.provide(credentials()))
        assert.strictEqual(jwt.claims.thumbprint, key.kid)
        assert.deepStrictEqual(jwt.claims.aud, ["plex.tv", clientIdentifier])
        assert.strictEqual(jwt.claims.iss, "plex.tv")
        assert.deepStrictEqual(jwt.scopes, [...Jwt.allScopes])
        assert.strictEqual(jwt.expiresAt.epochMillis, Math.floor(start / 1000) * 1000 + Duration.toMillis("7 days"))
        const account = yield* getTokenDetails().pipe(Effect.provide(credentials(jwt.token)))
        assert.strictEqual(Option.getOrThrow(account.username), "demo")
        for (const text of [String(jwt), JSON.stringify(jwt), inspect(jwt, { depth: 10 })]) {
          assert.notInclude(text, Redacted.value(jwt.token))
        }
        assert.deepStrictEqual(yield* pathsOf(fake), [
          "/api/v2/auth/jwk",
          "/api/v2/auth/nonce",
          "/api/v2/auth/token",
          "/api/v2/auth/keys",
          "/api/v2/user"
        ])
      })
    ))

  it.effect("a key registered to another device is JwtRejected (thumbprintTaken); registering again is fine", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { classic, key } = yield* registered(fake)
        yield* Jwt.registerKey(key).pipe(Effect.provide(credentials(classic)))
        const other = yield* fake.issueToken("demo")
        const error = yield* Effect.flip(Jwt.registerKey(key).pipe(Effect.provide(credentials(other, "jwt-device-2"))))
        assert.strictEqual(error._tag, "JwtRejected")
        assert.strictEqual(error._tag === "JwtRejected" && error.reason, "thumbprintTaken")
        const missing = yield* Effect.flip(Jwt.registerKey(key).pipe(Effect.provide(credentials())))
        assert.strictEqual(missing._tag, "MissingCredential")
      })
    ))

  it.effect("TokenLifecycle.validate calls an expired Plex JWT Invalid", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { key } = yield* registered(fake)
        const jwt = yield* Jwt.exchange(key).pipe(Effect.provide(credentials()))
        const check = TokenLifecycle.validate().pipe(Effect.provide(credentials(jwt.token)))
        assert.strictEqual((yield* check)._tag, "Valid")
        yield* TestClock.adjust("7 days")
        const expired = yield* check
        assert.strictEqual(expired._tag, "Invalid")
        assert.include(expired._tag === "Invalid" ? expired.reason : "", "498")
      })
    ))

  it.effect("no scopes is InvalidInput, and nothing is sent", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const key = yield* Jwt.generateKey()
        const error = yield* Effect.flip(Jwt.exchange(key, { scopes: [] }).pipe(Effect.provide(credentials())))
        assert.strictEqual(error._tag === "InvalidInput" && error.field, "scopes")
        assert.deepStrictEqual(yield* fake.journal, [])
      })
    ))

  it.effect("an unregistered key is JwtRejected (signatureRejected)", () =>
    withFake(() =>
      Effect.gen(function*() {
        const key = yield* Jwt.generateKey()
        const error = yield* Effect.flip(Jwt.exchange(key).pipe(Effect.provide(credentials())))
        assert.strictEqual(error._tag, "JwtRejected")
        assert.strictEqual(error._tag === "JwtRejected" && error.reason, "signatureRejected")
      })
    ))

  it.effect("the nonce endpoint's 429 is RateLimited, which the transient policy waits out", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { key } = yield* registered(fake)
        const exchange = Jwt.exchange(key).pipe(Effect.provide(credentials()))
        yield* exchange
        yield* exchange
        const limited = yield* Effect.flip(exchange)
        assert.strictEqual(limited._tag, "RateLimited")
        const fiber = yield* Effect.fork(exchange.pipe(Retry.withPolicy(Retry.transient)))
        const jwt = yield* joinAdvancing(fiber)
        assert.strictEqual(jwt.claims.thumbprint, key.kid)
      }), { nonceBurst: 2 }))
})

const TestClockNow = Clock.currentTimeMillis

/** The app's credentials, with the JWT layer over them; the fake is the HttpClient. */
const jwtLayer = (key: Jwt.DeviceKey, options: Omit<Jwt.LayerOptions, "key"> = {}) =>
  Jwt.layer({ key, ...options }).pipe(Layer.provide(credentials()))

/**
 * `signedIn`, with each token the layer obtains (the build's first) offered
 * to `renewed`: a test awaits a background renewal by taking from it.
 */
const signedInWatching = (fake: PlexFake.PlexFakeService, options: Omit<Jwt.LayerOptions, "key" | "onRenewed"> = {}) =>
  Effect.gen(function*() {
    const renewed = yield* Queue.unbounded<Jwt.PlexJwt>()
    const layer = yield* signedIn(fake, { ...options, onRenewed: (jwt) => Queue.offer(renewed, jwt) })
    return { layer, renewed, built: yield* Queue.take(renewed) }
  })

/** A registered key's `Jwt.layer`, built once, and one call made under it. */
const signedIn = (fake: PlexFake.PlexFakeService, options: Omit<Jwt.LayerOptions, "key"> = {}) =>
  Effect.gen(function*() {
    const { key } = yield* registered(fake)
    const layer = yield* Layer.memoize(jwtLayer(key, options))
    yield* getTokenDetails().pipe(Effect.provide(layer))
    return layer
  })

// A Plex of our own making, to send back tokens that fail one check each.
const plexSigner = Effect.promise(async () => {
  const { privateKey, publicKey } = await jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })
  return { privateKey, publicJwk: { ...(await jose.exportJWK(publicKey)), kid: "plex-1", alg: "EdDSA", use: "sig" } }
})

describe("Jwt.exchange verifies the Plex JWT before handing it out", () => {
  interface Case {
    readonly check: string
    readonly claims: (kid: string, now: number) => Record<string, unknown>
    /** The `kid` in the token's header; Plex publishes `plex-1`. */
    readonly kid?: string
    /** Signed by a key Plex does not publish, under Plex's `kid`. */
    readonly impostor?: boolean
    readonly label?: string
  }
  const good = (kid: string, now: number) => ({
    iss: "plex.tv",
    aud: ["plex.tv", clientIdentifier],
    thumbprint: kid,
    scope: "username",
    iat: now,
    exp: now + 7 * 86400
  })
  const cases: ReadonlyArray<Case> = [
    { check: "issuer", claims: (kid, now) => ({ ...good(kid, now), iss: "evil.example" }) },
    { check: "audience", claims: (kid, now) => ({ ...good(kid, now), aud: ["someone-else"] }) },
    { check: "thumbprint", claims: (_, now) => good("another-key", now) },
    { check: "expiry", claims: (kid, now) => ({ ...good(kid, now), iat: now - 8 * 86400, exp: now - 86400 }) },
    { check: "issuedAt", claims: (kid, now) => ({ ...good(kid, now), iat: now + 120 }) },
    { check: "issuedAt", claims: (kid, now) => ({ ...good(kid, now), iat: 1 }), label: "issued in 1970" },
    { check: "malformed", claims: (kid, now) => ({ ...good(kid, now), exp: 9e12 }), label: "exp past any date" },
    { check: "malformed", claims: (kid, now) => ({ ...good(kid, now), exp: 1e300 }), label: "exp of 1e300" },
    { check: "unknownKey", claims: good, kid: "plex-rotated-away" },
    { check: "signature", claims: good, impostor: true }
  ]

  for (const { check, claims, impostor, kid, label } of cases) {
    it.effect(`fails with JwtVerificationFailed (${check}${label === undefined ? "" : `: ${label}`}), and the error never holds the token`, () =>
      Effect.gen(function*() {
        const plex = yield* plexSigner
        const signer = impostor ? yield* plexSigner : plex
        const key = yield* Jwt.generateKey()
        const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        const token = yield* Effect.promise(() =>
          new jose.SignJWT(claims(key.kid, now)).setProtectedHeader({ alg: "EdDSA", kid: kid ?? "plex-1" })
            .sign(signer.privateKey)
        )
        const http = scripted(
          json(200, { nonce: "n-1" }),
          json(200, { auth_token: token }),
          json(200, { keys: [plex.publicJwk] })
        )
        const error = yield* Effect.flip(
          Jwt.exchange(key).pipe(Effect.provide(credentials()), Effect.provide(http.layer))
        )
        assert.strictEqual(error._tag, "JwtVerificationFailed")
        assert.strictEqual(error._tag === "JwtVerificationFailed" ? error.check : error._tag, check)
        for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 10 })]) {
          assert.notInclude(text, token)
        }
        // An unknown kid fetches the keys a second time before it fails.
        const keyFetches = http.requests.filter((r) => r.url.endsWith("/auth/keys")).length
        assert.strictEqual(keyFetches, check === "unknownKey" ? 2 : 1)
      }))
  }

  it.effect("verifyToken: an exp no date can hold is JwtVerificationFailed, not a defect", () =>
    Effect.gen(function*() {
      const plex = yield* plexSigner
      const key = yield* Jwt.generateKey()
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const token = yield* Effect.promise(() =>
        new jose.SignJWT({ ...good(key.kid, now), exp: 9e12 }).setProtectedHeader({ alg: "EdDSA", kid: "plex-1" })
          .sign(plex.privateKey)
      )
      const http = scripted(json(200, { keys: [plex.publicJwk] }))
      const exit = yield* Effect.exit(
        Jwt.verifyToken(Redacted.make(token), key).pipe(Effect.provide(credentials()), Effect.provide(http.layer))
      )
      assert.isTrue(Exit.isFailure(exit) && Option.isSome(Cause.failureOption(exit.cause)), String(exit))
      const error = Exit.isFailure(exit) ? Option.getOrThrow(Cause.failureOption(exit.cause)) : undefined
      assert.deepStrictEqual([error?._tag, error?._tag === "JwtVerificationFailed" && error.check], [
        "JwtVerificationFailed",
        "malformed"
      ])
    }))

  for (
    const [name, header, published] of [
      ["two published keys share the token's kid (the right one second)", { kid: "plex-1" }, "duplicate"],
      ["the token has no kid while two keys are published (a rotation)", {}, "rotation"]
    ] as const
  ) {
    it.effect(`verifies when ${name}: each matching key is tried in turn`, () =>
      Effect.gen(function*() {
        const plex = yield* plexSigner
        const other = yield* plexSigner
        const key = yield* Jwt.generateKey()
        const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        const token = yield* Effect.promise(() =>
          new jose.SignJWT(good(key.kid, now)).setProtectedHeader({ alg: "EdDSA", ...header }).sign(plex.privateKey)
        )
        const keys = published === "duplicate"
          ? [other.publicJwk, plex.publicJwk]
          : [{ ...other.publicJwk, kid: "plex-0" }, plex.publicJwk]
        const http = scripted(json(200, { nonce: "n-1" }), json(200, { auth_token: token }), json(200, { keys }))
        const jwt = yield* Jwt.exchange(key).pipe(Effect.provide(credentials()), Effect.provide(http.layer))
        assert.strictEqual(Redacted.value(jwt.token), token)
      }))
  }

  it.effect("JwtRejected.reason is read from every shape a Plex error comes in: errors[], {error}, XML, text", () =>
    Effect.gen(function*() {
      const key = yield* Jwt.generateKey()
      const taken = "Thumbprint Already Taken"
      for (
        const reply of [
          json(422, { errors: [{ code: 1099, message: taken, status: 422 }] }),
          json(422, { error: taken }),
          json(422, { error: { code: 1099, message: taken } }),
          { status: 422, body: `<errors><error code="1099" message="${taken}" status="422"/></errors>` },
          { status: 422, body: `<error>${taken}</error>` },
          { status: 422, body: taken, headers: { "content-type": "text/plain" } }
        ]
      ) {
        const http = scripted(reply)
        const error = yield* Effect.flip(
          Jwt.registerKey(key).pipe(
            Effect.provide(credentials(Redacted.make("classic-token"))),
            Effect.provide(http.layer)
          )
        )
        assert.deepStrictEqual([error._tag, error._tag === "JwtRejected" && error.reason], [
          "JwtRejected",
          "thumbprintTaken"
        ], JSON.stringify(reply))
      }
    }))

  it.effect("sends the device JWT Plex documents: nonce, scope, aud, iss, iat, exp = iat + 5 min, kid", () =>
    Effect.gen(function*() {
      const key = yield* Jwt.generateKey()
      const http = scripted(json(200, { nonce: "n-42" }), { status: 503 })
      yield* Effect.flip(
        Jwt.exchange(key, { scopes: ["username", "email"] }).pipe(
          Effect.provide(credentials()),
          Effect.provide(http.layer)
        )
      )
      const sent = JSON.parse(http.requests[1]!.body!) as { jwt: string }
      const publicKey = yield* Effect.promise(() => jose.importJWK({ ...key.publicJwk }, "EdDSA"))
      const { payload, protectedHeader } = yield* Effect.promise(() =>
        jose.jwtVerify(sent.jwt, publicKey, { currentDate: new Date(0) })
      )
      assert.deepStrictEqual(protectedHeader, { alg: "EdDSA", kid: key.kid, typ: "JWT" })
      assert.deepStrictEqual(payload, {
        nonce: "n-42",
        scope: "username,email",
        iss: clientIdentifier,
        aud: "plex.tv",
        iat: 0,
        exp: 300
      })
      assert.strictEqual(http.requests[1]!.headers["content-type"], "application/json")
      assert.strictEqual(http.requests[1]!.url, "https://clients.plex.tv/api/v2/auth/token")
    }))
})

describe("Jwt.layer", () => {
  it.scoped("two weeks pass: a renewal a day before each expiry, and no call fails", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { key } = yield* registered(fake)
        const renewed = yield* Queue.unbounded<Jwt.PlexJwt>()
        const layer = yield* Layer.memoize(jwtLayer(key, { onRenewed: (jwt) => Queue.offer(renewed, jwt) }))
        const whoami = getTokenDetails().pipe(Effect.provide(layer))
        for (let halfDay = 0; halfDay < 28; halfDay++) {
          const account = yield* whoami
          assert.strictEqual(Option.getOrThrow(account.username), "demo")
          // The build's exchange, then a refresh in the background a day before each expiry.
          if (halfDay === 0 || halfDay === 12 || halfDay === 24) yield* Queue.take(renewed)
          yield* TestClock.adjust("12 hours")
        }
        // 14 days: built at 0, renewed at 6 days (one day before expiry), and again at 12.
        assert.strictEqual(yield* exchanges(fake), 3)
      })
    ))

  it.scoped("a renewal stampede: 200 calls at the moment of expiry make exactly one exchange", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* signedIn(fake)
        yield* TestClock.adjust("7 days")
        const results = yield* Effect.all(
          Array.from({ length: 200 }, () => Effect.either(getTokenDetails().pipe(Effect.provide(layer)))),
          { concurrency: "unbounded" }
        )
        assert.deepStrictEqual(results.filter(Either.isLeft), [])
        assert.strictEqual(yield* exchanges(fake), 2)
      })
    ))

  it.scoped("a 498 mid-flight renews the token and sends that call once more; a PMS call too", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* signedIn(fake)
        // Plex ends the token before the client expected it to (not at once: see the backoff test).
        yield* TestClock.adjust("1 minute")
        yield* fake.expireJwts
        const account = yield* getTokenDetails().pipe(Effect.provide(layer))
        assert.strictEqual(Option.getOrThrow(account.username), "demo")
        const user = (yield* fake.journal).filter((e) => e.path === "/api/v2/user").map((e) => e.status)
        assert.deepStrictEqual(user, [200, 498, 200])
        yield* TestClock.adjust("1 minute")
        yield* fake.expireJwts
        const transient = yield* getTransientToken().pipe(Effect.provide(layer))
        assert.match(Redacted.value(transient.token), /^transient-/)
        assert.strictEqual(yield* exchanges(fake), 3)
      })
    ))

  it.scoped("Plex rotates its signing keys: an unknown kid fetches the keys once more, and verifies", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { layer, renewed } = yield* signedInWatching(fake)
        yield* fake.rotateSigningKey({ retire: true })
        yield* TestClock.adjust("6 days")
        yield* getTokenDetails().pipe(Effect.provide(layer))
        yield* Queue.take(renewed)
        const keys = (yield* fake.journal).filter((e) => e.path === "/api/v2/auth/keys")
        assert.strictEqual(keys.length, 2)
        assert.strictEqual(yield* exchanges(fake), 2)
      })
    ))

  it.scoped("a lost connection during renewal is retried; while it keeps failing the valid token goes on", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { layer, renewed } = yield* signedInWatching(fake, { schedule: Retry.makeTransient({ maxAttempts: 2 }) })
        yield* TestClock.adjust("6 days")
        // One drop: the renewal's retry, in the background, gets through.
        yield* fake.inject("exchangeJwt", PlexFake.Faults.drop, { times: 1 })
        yield* joinAdvancing(yield* Effect.fork(getTokenDetails().pipe(Effect.provide(layer))))
        yield* joinAdvancing(yield* Effect.fork(Queue.take(renewed)))
        assert.strictEqual(yield* exchanges(fake), 3)
        // From now on every exchange is dropped: calls go on with the token until it expires.
        yield* fake.inject("exchangeJwt", PlexFake.Faults.drop)
        yield* TestClock.adjust("6 days")
        const stillValid = yield* joinAdvancing(yield* Effect.fork(getTokenDetails().pipe(Effect.provide(layer))))
        assert.strictEqual(Option.getOrThrow(stillValid.username), "demo")
        yield* TestClock.adjust("1 day")
        const error = yield* joinAdvancing(
          yield* Effect.fork(Effect.flip(getTokenDetails().pipe(Effect.provide(layer))))
        )
        assert.strictEqual(error._tag, "TransportError")
      })
    ))

  it.scoped("calls behind a renewal that fails share its failure: one renewal's attempts, not one per call", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* signedIn(fake, { schedule: Retry.makeTransient({ maxAttempts: 2 }) })
        yield* fake.inject("exchangeJwt", PlexFake.Faults.drop)
        yield* TestClock.adjust("7 days")
        const calls = yield* Effect.fork(Effect.all(
          Array.from({ length: 50 }, () => Effect.flip(getTokenDetails().pipe(Effect.provide(layer)))),
          { concurrency: "unbounded" }
        ))
        const errors = yield* joinAdvancing(calls)
        assert.deepStrictEqual([...new Set(errors.map((e) => e._tag))], ["TransportError"])
        // The build's exchange, then the failing renewal's two attempts.
        assert.strictEqual(yield* exchanges(fake), 3)
      })
    ))

  it.scoped("a slow exchange under callers' 2 s deadlines: the renewal is not cancelled, and one serves all", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { layer, renewed } = yield* signedInWatching(fake)
        yield* fake.inject("exchangeJwt", PlexFake.Faults.delay("2500 millis"))
        yield* TestClock.adjust("7 days")
        const call = getTokenDetails().pipe(Effect.provide(layer), Effect.timeout("2 seconds"), Effect.either)
        const first = yield* Effect.fork(Effect.all(Array.from({ length: 100 }, () => call), { concurrency: 100 }))
        const timedOut = yield* joinAdvancing(first, "100 millis")
        assert.isTrue(timedOut.every(Either.isLeft))
        // The exchange the first caller started runs on, and every later call uses its token.
        yield* joinAdvancing(yield* Effect.fork(Queue.take(renewed)), "100 millis")
        const later = yield* Effect.all(Array.from({ length: 20 }, () => call), { concurrency: 20 })
        assert.isTrue(later.every(Either.isRight))
        const paths = yield* pathsOf(fake)
        assert.strictEqual(paths.filter((p) => p === "/api/v2/auth/nonce").length, 2)
        assert.strictEqual(yield* exchanges(fake), 2)
      })
    ))

  it.scoped("while the token is valid, calls go on with it during a slow proactive refresh", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { built, layer, renewed } = yield* signedInWatching(fake)
        yield* fake.inject("exchangeJwt", PlexFake.Faults.delay("2500 millis"))
        yield* TestClock.adjust("6 days")
        const call = getTokenDetails().pipe(Effect.provide(layer), Effect.timeout("1 second"))
        const during = yield* Effect.fork(Effect.all(Array.from({ length: 50 }, () => call), { concurrency: 50 }))
        const accounts = yield* joinAdvancing(during, "100 millis")
        assert.strictEqual(accounts.length, 50)
        const fresh = yield* joinAdvancing(yield* Effect.fork(Queue.take(renewed)), "100 millis")
        assert.notStrictEqual(Redacted.value(fresh.token), Redacted.value(built.token))
        assert.strictEqual(yield* exchanges(fake), 2)
      })
    ))

  it.scoped("a refreshWithin longer than the token lives is clamped to half its life: no exchange per call", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { layer, renewed } = yield* signedInWatching(fake, { refreshWithin: "8 days" })
        const calls = Array.from({ length: 50 }, () => getTokenDetails().pipe(Effect.provide(layer)))
        yield* Effect.all(calls, { concurrency: "unbounded" })
        assert.strictEqual(yield* exchanges(fake), 1)
        // Half of the 7 days: the refresh starts, once.
        yield* TestClock.adjust("3 days")
        yield* Effect.all(calls, { concurrency: "unbounded" })
        assert.strictEqual(yield* exchanges(fake), 1)
        yield* TestClock.adjust("13 hours")
        yield* Effect.all(calls, { concurrency: "unbounded" })
        yield* Queue.take(renewed)
        assert.strictEqual(yield* exchanges(fake), 2)
      })
    ))

  it.scoped("Plex answering 498 to every fresh token: one renewal, then a minute's backoff, not one per call", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* signedIn(fake)
        yield* TestClock.adjust("1 minute")
        yield* fake.inject("user", PlexFake.Faults.status(498))
        const call = Effect.flip(getTokenDetails().pipe(Effect.provide(layer)))
        const errors = yield* Effect.all(Array.from({ length: 50 }, () => call), { concurrency: "unbounded" })
        assert.deepStrictEqual([...new Set(errors.map((e) => e._tag))], ["TokenExpired"])
        assert.strictEqual(yield* exchanges(fake), 2)
        for (let i = 0; i < 10; i++) yield* call
        assert.strictEqual(yield* exchanges(fake), 2)
        const backedOff = yield* call
        assert.include(backedOff._tag === "TokenExpired" ? backedOff.renewal ?? "" : "", "less than 60 s ago")
        yield* TestClock.adjust("1 minute")
        yield* call
        assert.strictEqual(yield* exchanges(fake), 3)
      })
    ))

  it.scoped("Plex alternating 498 and 200: at most one renewal a minute", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* signedIn(fake)
        yield* TestClock.adjust("1 minute")
        for (let i = 0; i < 20; i++) {
          yield* fake.inject("user", PlexFake.Faults.status(498), { times: 1 })
          yield* Effect.either(getTokenDetails().pipe(Effect.provide(layer)))
          yield* TestClock.adjust("5 seconds")
        }
        // 100 s: the build's exchange, then one at the first 498 and one a minute after it.
        assert.strictEqual(yield* exchanges(fake), 3)
      })
    ))

  it.scoped("a kept token due for renewal is renewed when the layer is built; kept on if that fails", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { key } = yield* registered(fake)
        const kept = yield* Jwt.exchange(key).pipe(Effect.provide(credentials()))
        yield* TestClock.adjust("156 hours")
        const renewed = yield* Queue.unbounded<Jwt.PlexJwt>()
        const built = yield* Layer.build(jwtLayer(key, { initial: kept, onRenewed: (j) => Queue.offer(renewed, j) }))
        const fresh = yield* Queue.take(renewed)
        assert.notStrictEqual(Redacted.value(fresh.token), Redacted.value(kept.token))
        const used = yield* PlexCredentials.PlexCredentials.pipe(Effect.provide(built))
        assert.strictEqual(Redacted.value(Option.getOrThrow(used.token)), Redacted.value(fresh.token))
        yield* fake.inject("exchangeJwt", PlexFake.Faults.status(500))
        const fallback = yield* Layer.build(jwtLayer(key, { initial: kept, schedule: Retry.none }))
        const stillKept = yield* PlexCredentials.PlexCredentials.pipe(Effect.provide(fallback))
        assert.strictEqual(Redacted.value(Option.getOrThrow(stillKept.token)), Redacted.value(kept.token))
      })
    ))

  it.scoped("building the layer exchanges once; an unregistered key fails the build with JwtRejected", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const key = yield* Jwt.generateKey()
        const exit = yield* Effect.exit(Layer.build(jwtLayer(key)).pipe(Effect.scoped))
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(yield* exchanges(fake), 1)
      })
    ))
})

describe("JWT PIN login", () => {
  it.effect("createPin({ key }) sends the public key; polls prove the key; the token is a Plex JWT", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const key = yield* Jwt.generateKey()
        const pin = yield* Pin.createPin({ key }).pipe(Effect.provide(credentials()))
        const waiting = yield* Effect.fork(Pin.waitForToken(pin).pipe(Effect.provide(credentials())))
        yield* fake.claimPin(pin.id, "demo")
        const token = yield* joinAdvancing(waiting)
        const verified = yield* Jwt.verifyToken(token, key).pipe(Effect.provide(credentials()))
        assert.strictEqual(verified.claims.thumbprint, key.kid)
        const account = yield* getTokenDetails().pipe(Effect.provide(credentials(token)))
        assert.strictEqual(Option.getOrThrow(account.username), "demo")
        // The PIN registered the key, so the device can renew on its own.
        const renewed = yield* Jwt.exchange(key).pipe(Effect.provide(credentials()))
        assert.strictEqual(renewed.claims.thumbprint, key.kid)
        const journal = yield* fake.journal
        const create = journal.find((e) => e.path === "/api/v2/pins")!
        assert.deepStrictEqual(JSON.parse(create.body), { jwk: { ...key.publicJwk }, strong: true })
        const polls = journal.filter((e) => e.path.startsWith(`/api/v2/pins/${pin.id}`))
        assert.isAtLeast(polls.length, 1)
        for (const poll of polls) assert.strictEqual(poll.path, `/api/v2/pins/${pin.id}?deviceJWT=<redacted>`)
      })
    ))

  it.effect("JWT PIN polls sign over a nonce, one device JWT for every poll while it lives, a new one after", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const key = yield* Jwt.generateKey()
        const pin = yield* Pin.createPin({ key }).pipe(Effect.provide(credentials()))
        const everyMinute = { schedule: Schedule.spaced("1 minute") }
        const waiting = yield* Effect.fork(Pin.waitForToken(pin, everyMinute).pipe(Effect.provide(credentials())))
        yield* joinAdvancing(yield* Effect.fork(TestClock.sleep("6 minutes")), "1 minute")
        yield* fake.claimPin(pin.id, "demo")
        yield* joinAdvancing(waiting, "1 minute")
        const paths = yield* pathsOf(fake)
        const polls = paths.filter((p) => p.startsWith(`/api/v2/pins/${pin.id}`)).length
        assert.isAtLeast(polls, 6)
        // 6 minutes of polls: a nonce at the start, and one when the first device JWT was near its end.
        assert.strictEqual(paths.filter((p) => p === "/api/v2/auth/nonce").length, 2)
      })
    ))

  it.effect("a JWT PIN is refused to a poll without a device JWT, or with one another key signed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const key = yield* Jwt.generateKey()
        const other = yield* Jwt.generateKey()
        const pin = yield* Pin.createPin({ key }).pipe(Effect.provide(credentials()))
        const unsigned = yield* Effect.flip(Pin.getPin(pin.id).pipe(Effect.provide(credentials())))
        assert.strictEqual(unsigned._tag === "UnexpectedStatus" && unsigned.status, 422)
        // The same PIN read back from storage polls fine when given its key.
        const stored = yield* Schema.decodeUnknown(Pin.Pin)(yield* Schema.encode(Pin.Pin)(pin))
        const polled = yield* Stream.runHead(Pin.poll(stored, { key })).pipe(Effect.provide(credentials()))
        assert.strictEqual(Option.getOrThrow(polled).id, pin.id)
        const now = yield* Clock.currentTimeMillis
        const forged = yield* Effect.promise(async () =>
          new jose.SignJWT({ scope: "username" })
            .setProtectedHeader({ alg: "EdDSA", kid: key.kid })
            .setIssuer(clientIdentifier)
            .setAudience("plex.tv")
            .setIssuedAt(Math.floor(now / 1000))
            .setExpirationTime(Math.floor(now / 1000) + 300)
            .sign(await jose.importJWK({ ...other.publicJwk, d: Redacted.value(other.privateKey) }, "EdDSA"))
        )
        const answer = yield* fake.handle({
          method: "GET",
          url: new URL(`${fake.clientsUrl}/pins/${pin.id}?deviceJWT=${forged}`),
          headers: { "accept": "application/json", "x-plex-client-identifier": clientIdentifier },
          body: ""
        })
        assert.strictEqual(answer._tag === "Reply" && answer.status, 422)
      })
    ))
})
