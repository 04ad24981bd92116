// -- example start
import { tolerant } from "@effect-plex/client/Decoding"
import { UserPlexAccount } from "@effect-plex/client/UserPlexAccount"
import { Either, Schema } from "effect"

const body: unknown = { id: 1, uuid: "u", authToken: "t", scrobbleTypes: 10 }
const lenient = tolerant(UserPlexAccount)(body) // Right; ignored names scrobbleTypes
const strict = Schema.decodeUnknownEither(UserPlexAccount)(body) // Left
// -- example end

import { assert, it } from "@effect/vitest"
import { exampleOf, readmeText } from "./support/readme.js"

it("README: the tolerant reader and the strict Schema, side by side", () => {
  assert.isTrue(Either.isRight(lenient))
  if (Either.isRight(lenient)) {
    assert.deepStrictEqual(lenient.right.ignored.map((issue) => issue.path), ["scrobbleTypes"])
    assert.isTrue(lenient.right.value.scrobbleTypes._tag === "None")
  }
  assert.isTrue(Either.isLeft(strict))
  assert.include(readmeText(), exampleOf(import.meta.url))
})
