import { PlexCredentials, Retry, SignIn, TokenDetails, TransientToken } from "@effect-plex/client"
import { PlexFake } from "@effect-plex/testing"
import { assert, it } from "@effect/vitest"
import { Effect, Fiber, Layer, TestClock } from "effect"

const fakePlex = PlexFake.layer({
  accounts: [{ username: "ann", password: "s3cret", verificationCode: "424242" }],
  lockoutAfter: 3
})
const app = PlexCredentials.layer({
  clientIdentifier: "test-install",
  serverUrl: PlexFake.inMemoryBases.serverUrl
})
const signIn = (password: string, verificationCode?: string) =>
  SignIn.signIn({ login: "ann", password, verificationCode }).pipe(Effect.provide(app))

it.effect("2FA, lock-out, 429 and token expiry against the fake Plex", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.PlexFake
    // 2FA: the first answer asks for the code.
    assert.strictEqual((yield* Effect.flip(signIn("s3cret")))._tag, "VerificationCodeRequired")
    const account = yield* signIn("s3cret", "424242")

    // 429 with Retry-After: the transient policy waits it out on the TestClock.
    yield* fake.inject("user", PlexFake.Faults.status(429, { retryAfter: "30" }), { times: 1 })
    const whoami = TokenDetails.getTokenDetails().pipe(
      Retry.retry(),
      PlexCredentials.withToken(account.authToken),
      Effect.provide(app)
    )
    const fiber = yield* Effect.fork(whoami)
    yield* TestClock.adjust("30 seconds")
    assert.strictEqual((yield* Fiber.join(fiber)).id, account.id)

    // Transient tokens expire after 48 hours of TestClock time.
    const transient = yield* TransientToken.getTransientToken().pipe(
      PlexCredentials.withToken(account.authToken),
      Effect.provide(app)
    )
    yield* TestClock.adjust("48 hours")
    const expired = TransientToken.getTransientToken().pipe(
      PlexCredentials.withToken(transient.token),
      Effect.provide(app)
    )
    assert.strictEqual((yield* Effect.flip(expired))._tag, "Unauthorized")

    // A revoked token is Unauthorized.
    yield* fake.revokeToken(account.authToken)
    assert.strictEqual((yield* Effect.flip(whoami))._tag, "Unauthorized")

    // Three wrong passwords lock this client out, whatever comes next.
    for (let i = 0; i < 3; i++) yield* Effect.flip(signIn("wrong"))
    assert.strictEqual((yield* Effect.flip(signIn("s3cret", "424242")))._tag, "SignInLockedOut")
  }).pipe(Effect.provide(Layer.fresh(fakePlex))))
