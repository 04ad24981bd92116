import { assert, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8")
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8")

it("the README's fake-Plex example is, verbatim, a test that runs", () => {
  assert.include(readme, read("packages/testing/test/readme-example.test.ts").trimEnd())
})

it("the README's composition example is the one the test checks", () => {
  const test = read("packages/client/test/readme-example.test.ts")
  const start = test.indexOf("// -- example start\n") + "// -- example start\n".length
  const block = test.slice(start, test.indexOf("    const credentials")).trimEnd()
  assert.isAbove(block.length, 100)
  assert.include(readme, block.split("\n").map((line) => line.slice(4)).join("\n"))
})
