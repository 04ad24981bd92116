import { PlexCredentials, Retry, TokenDetails } from "@effect-plex/client"
import { PlexFake } from "@effect-plex/testing"
import { assert, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"

it.effect("README: compose an operation with a retry policy and layers", () =>
  Effect.gen(function*() {
    const fake = yield* PlexFake.PlexFake
    const token = yield* fake.issueToken("demo")
    // -- example start
    const whoami = TokenDetails.getTokenDetails().pipe(
      Retry.retry({ policy: Retry.transient, attemptTimeout: "5 seconds", deadline: "20 seconds" }),
      Effect.map((account) => Option.getOrElse(account.username, () => account.uuid)),
      Effect.catchTag("Unauthorized", () => Effect.succeed("token revoked: sign in again"))
    )
    const credentials = PlexCredentials.PlexCredentials.layer({ clientIdentifier: "my-app-install-uuid", token })
    const name = yield* whoami.pipe(Effect.provide(credentials))
    // -- example end
    assert.strictEqual(name, "demo")
  }).pipe(Effect.provide(Layer.fresh(PlexFake.layer()))))
