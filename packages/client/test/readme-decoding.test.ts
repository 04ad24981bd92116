// -- example start
import { Either, Schema } from "effect"
import { tolerant } from "@effect-plex/client/Decoding"
import { UserPlexAccount } from "@effect-plex/client/UserPlexAccount"

const body: unknown = { id: 1, uuid: "u", authToken: "t", scrobbleTypes: 10 }
const lenient = tolerant(UserPlexAccount)(body)                // Right; ignored names scrobbleTypes
const strict = Schema.decodeUnknownEither(UserPlexAccount)(body) // Left
// -- example end

import { assert, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

it("README: the tolerant reader and the strict Schema, side by side", () => {
  assert.isTrue(Either.isRight(lenient))
  if (Either.isRight(lenient)) {
    assert.deepStrictEqual(lenient.right.ignored.map((issue) => issue.path), ["scrobbleTypes"])
    assert.isTrue(lenient.right.value.scrobbleTypes._tag === "None")
  }
  assert.isTrue(Either.isLeft(strict))
  const source = fs.readFileSync(fileURLToPath(import.meta.url), "utf8")
  const example = source.slice(source.indexOf("// -- example start\n") + 21, source.indexOf("// -- example end"))
  const readme = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../README.md"), "utf8")
  assert.include(readme, example.trimEnd())
})
