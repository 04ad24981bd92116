import { PlexCredentials } from "@effect-plex/client/PlexCredentials"
import * as Retry from "@effect-plex/client/Retry"
import { signIn } from "@effect-plex/client/SignIn"
import { getSourceConnectionInformation } from "@effect-plex/client/SourceConnection"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import { getTransientToken } from "@effect-plex/client/TransientToken"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { outcome } from "../../client/test/support/outcome.js"
import * as PlexFake from "../src/PlexFake.js"

const clientIdentifier = "fake-test-client"

const credentials = (token?: Redacted.Redacted<string>) =>
  PlexCredentials.layer({ clientIdentifier, serverUrl: PlexFake.inMemoryBases.serverUrl, token })

const withFake = <A, E, R>(
  body: (fake: PlexFake.PlexFakeService) => Effect.Effect<A, E, R>,
  options: PlexFake.PlexFakeOptions = {}
) => Effect.flatMap(PlexFake.PlexFake, body).pipe(Effect.provide(PlexFake.layer(options)))

const twoFactor = { accounts: [{ username: "ann", password: "pw-ann", verificationCode: "424242" }] }

describe("PlexFake sign-in", () => {
  it.effect("signs in by username or e-mail and issues a token that /user accepts", () =>
    withFake(() =>
      Effect.gen(function*() {
        for (const login of ["demo", "DEMO@example.com"]) {
          const account = yield* signIn({ login, password: PlexFake.demoAccount.password }).pipe(
            Effect.provide(credentials())
          )
          const details = yield* getTokenDetails().pipe(Effect.provide(credentials(account.authToken)))
          assert.strictEqual(details.username._tag === "Some" && details.username.value, "demo")
          assert.strictEqual(details.id, account.id)
        }
      })
    ))

  it.effect("answers 1001 for bad credentials, and 1029 then success for 2FA", () =>
    withFake(() =>
      Effect.gen(function*() {
        const wrong = yield* signIn({ login: "ann", password: "nope" }).pipe(Effect.provide(credentials()), Effect.flip)
        assert.strictEqual(wrong._tag, "Unauthorized")
        const needsCode = yield* signIn({ login: "ann", password: "pw-ann" }).pipe(
          Effect.provide(credentials()),
          Effect.flip
        )
        assert.strictEqual(needsCode._tag, "VerificationCodeRequired")
        const badCode = yield* signIn({ login: "ann", password: "pw-ann", verificationCode: "000000" }).pipe(
          Effect.provide(credentials()),
          Effect.flip
        )
        assert.strictEqual(badCode._tag, "Unauthorized")
        const account = yield* signIn({ login: "ann", password: "pw-ann", verificationCode: "424242" }).pipe(
          Effect.provide(credentials())
        )
        assert.isTrue(account.twoFactorEnabled)
      }), twoFactor))

  it.effect("lets a test turn 2FA on for an account", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        yield* fake.setVerificationCode("demo", "111111")
        const error = yield* signIn({ login: "demo", password: PlexFake.demoAccount.password }).pipe(
          Effect.provide(credentials()),
          Effect.flip
        )
        assert.strictEqual(error._tag, "VerificationCodeRequired")
      })
    ))

  it.effect("locks a client out with 1031 after N failures, even with the right password, until it expires", () =>
    withFake(() =>
      Effect.gen(function*() {
        for (let i = 0; i < 3; i++) {
          const error = yield* signIn({ login: "demo", password: "wrong" }).pipe(
            Effect.provide(credentials()),
            Effect.flip
          )
          assert.strictEqual(error._tag, "Unauthorized")
        }
        const locked = yield* signIn({ login: "demo", password: PlexFake.demoAccount.password }).pipe(
          Effect.provide(credentials()),
          Effect.flip
        )
        assert.strictEqual(locked._tag, "SignInLockedOut")
        const other = PlexCredentials.layer({ clientIdentifier: "another-client" })
        yield* signIn({ login: "demo", password: PlexFake.demoAccount.password }).pipe(Effect.provide(other))
        yield* TestClock.adjust("15 minutes")
        yield* signIn({ login: "demo", password: PlexFake.demoAccount.password }).pipe(Effect.provide(credentials()))
      }), { lockoutAfter: 3 }))

  it.effect("answers 400 with code 1000 when X-Plex-Client-Identifier is missing", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const response = yield* fake.handle({
          method: "POST",
          url: new URL(`${fake.plexTvUrl}/users/signin`),
          headers: { accept: "application/json" },
          body: "login=demo&password=x"
        })
        assert.strictEqual(response._tag === "Reply" && response.status, 400)
        assert.include(response._tag === "Reply" ? response.body : "", "\"code\":1000")
      })
    ))
})

describe("PlexFake tokens and PMS", () => {
  it.effect("rejects unknown and revoked tokens with 401", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const unknown = yield* getTokenDetails().pipe(
          Effect.provide(credentials(Redacted.make("made-up"))),
          Effect.flip
        )
        assert.strictEqual(unknown._tag, "Unauthorized")
        const token = yield* fake.issueToken("demo")
        yield* getTokenDetails().pipe(Effect.provide(credentials(token)))
        yield* fake.revokeToken(token)
        const revoked = yield* getTokenDetails().pipe(Effect.provide(credentials(token)), Effect.flip)
        assert.strictEqual(revoked._tag, "Unauthorized")
      })
    ))

  it.effect("expires transient tokens after 48 hours on the Clock, and drops them on restart", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const admin = yield* fake.issueToken("demo")
        const first = yield* getTransientToken().pipe(Effect.provide(credentials(admin)))
        assert.match(Redacted.value(first.token), /^transient-/)
        const useTransient = getSourceConnectionInformation({ source: PlexFake.demoSource.source }).pipe(
          Effect.provide(credentials(first.token))
        )
        yield* useTransient
        yield* TestClock.adjust("47 hours")
        yield* useTransient
        yield* TestClock.adjust("1 hour")
        assert.strictEqual((yield* Effect.flip(useTransient))._tag, "Unauthorized")

        const second = yield* getTransientToken().pipe(Effect.provide(credentials(admin)))
        yield* getTransientToken().pipe(Effect.provide(credentials(second.token)))
        yield* fake.restartServer
        const gone = yield* getTransientToken().pipe(Effect.provide(credentials(second.token)), Effect.flip)
        assert.strictEqual(gone._tag, "Unauthorized")
      })
    ))

  it.effect("serves source connection information to admins only", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const admin = yield* fake.issueToken("demo")
        const device = yield* getSourceConnectionInformation({ source: PlexFake.demoSource.source }).pipe(
          Effect.provide(credentials(admin))
        )
        assert.strictEqual(device.clientIdentifier, PlexFake.demoSource.clientIdentifier)
        assert.deepStrictEqual(device.connections.map((c) => [c.local, c.relay]), [[true, false], [false, false], [
          false,
          true
        ]])
        const friend = yield* fake.issueToken("friend")
        const denied = yield* getSourceConnectionInformation({ source: PlexFake.demoSource.source }).pipe(
          Effect.provide(credentials(friend)),
          Effect.flip
        )
        assert.strictEqual(denied._tag, "Unauthorized")
        const unknown = yield* getSourceConnectionInformation({ source: "server://nope" }).pipe(
          Effect.provide(credentials(admin)),
          Effect.flip
        )
        assert.strictEqual(unknown._tag, "UnexpectedStatus")
      }), { accounts: [PlexFake.demoAccount, { username: "friend", password: "f", serverAdmin: false }] }))

  it.effect("answers XML unless Accept is exactly application/json", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const token = Redacted.value(yield* fake.issueToken("demo"))
        const response = yield* fake.handle({
          method: "GET",
          url: new URL(`${fake.serverUrl}/security/token?type=delegation&scope=all`),
          headers: { accept: "application/json, text/plain, */*", "x-plex-token": token },
          body: ""
        })
        assert.isTrue(
          response._tag === "Reply" && /^<\?xml[\s\S]*<MediaContainer size="0" token="transient-/.test(response.body)
        )
      })
    ))
})

describe("PlexFake faults and journal", () => {
  it.effect("injects 429 with Retry-After, and N failures then success", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const token = yield* fake.issueToken("demo")
        yield* fake.inject("user", PlexFake.Faults.status(429, { retryAfter: "3" }), { times: 1 })
        yield* fake.inject("user", PlexFake.Faults.status(503), { times: 2 })
        const fiber = yield* Effect.fork(
          getTokenDetails().pipe(
            Retry.retry({ policy: Retry.makeTransient({ maxAttempts: 5 }) }),
            Effect.provide(credentials(token))
          )
        )
        yield* TestClock.adjust("1 minute")
        assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
        const journal = yield* fake.journal
        assert.deepStrictEqual(journal.map((e) => e.status), [429, 503, 503, 200])
        assert.isTrue(journal[1]!.at - journal[0]!.at >= 3000)
      })
    ))

  it.effect("injects delays, bad bodies and dropped connections", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const token = yield* fake.issueToken("demo")
        const call = getTokenDetails().pipe(Effect.provide(credentials(token)))
        for (
          const [fault, tag] of [
            [PlexFake.Faults.malformedBody, "BodyError(MalformedJson)"],
            [PlexFake.Faults.emptyBody, "BodyError(Empty)"],
            [PlexFake.Faults.htmlBody, "BodyError(NotJson)"],
            [PlexFake.Faults.drop, "TransportError"]
          ] as const
        ) {
          yield* fake.inject("user", fault, { times: 1 })
          assert.strictEqual(outcome(yield* Effect.flip(call)), tag)
        }
        yield* fake.inject("user", PlexFake.Faults.delay("10 seconds"), { times: 1 })
        const slow = yield* Effect.fork(call.pipe(Retry.withAttemptTimeout("2 seconds"), Effect.flip))
        yield* TestClock.adjust("2 seconds")
        assert.strictEqual((yield* Fiber.join(slow))._tag, "Timeout")
      })
    ))

  it.effect("journals requests with the token, password and code masked", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const account = yield* signIn({
          login: "demo",
          password: PlexFake.demoAccount.password,
          verificationCode: "123456"
        }).pipe(Effect.provide(credentials()))
        yield* getTokenDetails().pipe(Effect.provide(credentials(account.authToken)))
        const [signInEntry, userEntry] = yield* fake.journal
        assert.strictEqual(
          signInEntry!.body,
          "login=demo&password=<redacted>&rememberMe=true&verificationCode=<redacted>"
        )
        assert.strictEqual(signInEntry!.path, "/api/v2/users/signin")
        assert.strictEqual(userEntry!.headers["x-plex-token"], "<redacted>")
        assert.strictEqual(userEntry!.headers["x-plex-client-identifier"], clientIdentifier)
        assert.notInclude(JSON.stringify(yield* fake.journal), Redacted.value(account.authToken))
        assert.isTrue(Option.isSome(account.subscription))
      })
    ))

  it.effect("masks the token in a query and headers, and the password and code in a JSON body too", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const token = Redacted.value(yield* fake.issueToken("demo"))
        yield* fake.handle({
          method: "GET",
          url: new URL(`${fake.plexTvUrl}/user?X-Plex-Token=${token}&x-plex-token=${token}&includeX=1`),
          headers: {
            accept: "application/json",
            "x-plex-client-identifier": clientIdentifier,
            authorization: `Bearer ${token}`
          },
          body: ""
        })
        yield* fake.handle({
          method: "POST",
          url: new URL(`${fake.plexTvUrl}/users/signin`),
          headers: { accept: "application/json", "content-type": "application/json" },
          body: JSON.stringify({
            login: "demo",
            password: "json-pass-word",
            verificationCode: "654321",
            nested: { token }
          })
        })
        const journal = yield* fake.journal
        const text = JSON.stringify(journal)
        for (const secret of [token, "json-pass-word", "654321"]) assert.notInclude(text, secret)
        assert.strictEqual(journal[0]!.path, "/api/v2/user?X-Plex-Token=<redacted>&x-plex-token=<redacted>&includeX=1")
        assert.strictEqual(journal[0]!.headers["authorization"], "<redacted>")
        assert.deepStrictEqual(JSON.parse(journal[1]!.body), {
          login: "demo",
          password: "<redacted>",
          verificationCode: "<redacted>",
          nested: { token: "<redacted>" }
        })
      })
    ))

  it.effect("keeps only the newest journal entries past journalLimit", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const token = yield* fake.issueToken("demo")
        for (let i = 0; i < 5; i++) yield* getTokenDetails().pipe(Effect.provide(credentials(token)))
        const journal = yield* fake.journal
        assert.strictEqual(journal.length, 3)
        assert.isTrue(journal.every((e) => e.path === "/api/v2/user"))
      }), { journalLimit: 3 }))
})

describe("the faults a hostile server brings", () => {
  it.scopedLive("a gzip bomb, a server echoing secrets, a body that breaks off: each a typed error, nothing leaked", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve()
      const token = yield* fake.issueToken("demo")
      const { FetchHttpClient } = yield* Effect.promise(() => import("@effect/platform"))
      const over = (plexTvUrl: string, http: Layer.Layer<HttpClient.HttpClient>) =>
        Layer.merge(http, PlexCredentials.layer({ clientIdentifier, token, plexTvUrl }))
      const inMemory = PlexFake.httpClient(fake)
      const faces = [
        ["loopback, fetch", over(fake.plexTvUrl, FetchHttpClient.layer)],
        ["in memory", over(fake.plexTvUrl, Layer.succeed(HttpClient.HttpClient, inMemory))]
      ] as const
      for (const [face, layer] of faces) {
        yield* fake.inject("user", PlexFake.Faults.gzipBomb, { times: 1 })
        const bomb = yield* getTokenDetails().pipe(Effect.provide(layer), Effect.flip)
        assert.strictEqual(outcome(bomb), face === "in memory" ? "BodyError(NotJson)" : "BodyError(TooLarge)", face)

        yield* fake.inject("user", PlexFake.Faults.echo, { times: 1 })
        const echo = yield* getTokenDetails().pipe(Effect.provide(layer), Effect.flip)
        assert.strictEqual(echo._tag, "Unauthorized", face)
        assert.include(echo.message, "withheld: it contained a credential")
        assert.notInclude(JSON.stringify(echo) + echo.message, Redacted.value(token))

        yield* fake.inject("user", PlexFake.Faults.breakBody, { times: 1 })
        const broken = yield* getTokenDetails().pipe(Effect.provide(layer), Effect.flip)
        assert.deepStrictEqual([broken._tag, broken._tag === "TransportError" && broken.phase], [
          "TransportError",
          "response"
        ], face)
      }
    }))
})

describe("PlexFake.serve", () => {
  it.scopedLive("fails with ServeError on a busy port, and the host process lives on", () =>
    Effect.gen(function*() {
      const first = yield* PlexFake.serve()
      const port = Number(new URL(first.serverUrl).port)
      const error = yield* Effect.flip(PlexFake.serve({ port }))
      assert.instanceOf(error, PlexFake.ServeError)
      assert.strictEqual(error.reason, "EADDRINUSE")
      assert.include(error.message, `127.0.0.1:${port}`)
      const forbidden = yield* Effect.flip(PlexFake.serve({ port: 70000 }))
      assert.strictEqual(forbidden._tag, "ServeError")
    }))

  it.scopedLive("answers every route over real HTTP on 127.0.0.1", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve()
      assert.match(fake.serverUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
      const { FetchHttpClient } = yield* Effect.promise(() => import("@effect/platform"))
      const layer = (token?: Redacted.Redacted<string>) =>
        Layer.merge(
          FetchHttpClient.layer,
          PlexCredentials.layer({ clientIdentifier, token, plexTvUrl: fake.plexTvUrl, serverUrl: fake.serverUrl })
        )
      const account = yield* signIn({ login: "demo", password: PlexFake.demoAccount.password }).pipe(
        Effect.provide(layer())
      )
      const details = yield* getTokenDetails().pipe(Effect.provide(layer(account.authToken)))
      assert.strictEqual(details.id, account.id)
      const transient = yield* getTransientToken().pipe(Effect.provide(layer(account.authToken)))
      const device = yield* getSourceConnectionInformation({ source: PlexFake.demoSource.source }).pipe(
        Effect.provide(layer(transient.token))
      )
      assert.strictEqual(device.connections.length, 3)
      yield* fake.inject("user", PlexFake.Faults.drop, { times: 1 })
      const dropped = yield* getTokenDetails().pipe(Effect.provide(layer(account.authToken)), Effect.flip)
      assert.strictEqual(dropped._tag, "TransportError")
      const raw = yield* Effect.promise(() =>
        fetch(`${fake.plexTvUrl}/user`, { headers: { accept: "application/json" } })
      )
      assert.strictEqual(raw.status, 400)
    }))
})
