/**
 * The body both benchmarks use: the fake Plex's answer to `GET /user` for its
 * Plex Pass demo account (about 5.8 KB), exactly as it serves it.
 */
import * as PlexFake from "@effect-plex/testing/PlexFake"
import { Effect, Redacted } from "effect"

export const accountBody = async (): Promise<string> => {
  const fake = await Effect.runPromise(PlexFake.make())
  const token = Redacted.value(await Effect.runPromise(fake.issueToken(PlexFake.demoAccount.username)))
  const answer = await Effect.runPromise(fake.handle({
    method: "GET",
    url: new URL(`${fake.plexTvUrl}/user`),
    headers: { accept: "application/json", "x-plex-client-identifier": "bench", "x-plex-token": token },
    body: ""
  }))
  if (answer._tag !== "Reply") throw new Error("the fake did not answer")
  return answer.body
}
