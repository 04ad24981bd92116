/** `effect-plex home` and `effect-plex home switch`, in process, against a fake Plex with a Home. */
import * as PlexFake from "@effect-plex/testing/PlexFake"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runCli } from "./support/inProcess.js"

const household: PlexFake.PlexFakeOptions = {
  accounts: [
    { username: "parent", password: "pw-parent" },
    { username: "kid", password: "pw-kid", title: "Kid" },
    { username: "partner", password: "pw-partner", title: "Partner \u001b]0;owned\u0007" }
  ],
  home: [{ username: "kid", managed: true, restricted: true }, { username: "partner", pin: "4711" }]
}

describe("effect-plex home", () => {
  it.scopedLive("lists the Home's users, as a table and as --json, names made safe to print", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve(household)
      const token = yield* fake.issueToken("parent")
      const table = yield* runCli(fake, token, ["home"])
      assert.strictEqual(table.code, 0, table.stderr)
      const text = table.stdout
      assert.include(text, "Kid")
      assert.match(text, /Partner ␛\]0;owned␇\s+PIN/)
      assert.notInclude(text, "\u001b")
      const json = yield* runCli(fake, token, ["home", "--json"])
      const users = JSON.parse(json.stdout) as Array<{ title: string; protected: boolean; managed: boolean }>
      assert.deepStrictEqual(users.map((u) => [u.protected, u.managed]), [[false, false], [false, true], [true, false]])
    }))

  // A protected profile's PIN from a pipe: see cli.test.ts.
  it.scopedLive("home switch: a user without a PIN at once, by name; an unknown name is a usage error", () =>
    Effect.gen(function*() {
      const fake = yield* PlexFake.serve(household)
      const token = yield* fake.issueToken("parent")
      const kid = yield* runCli(fake, token, ["home", "switch", "kid"])
      assert.strictEqual(kid.code, 0, kid.stderr)
      assert.include(kid.stdout, "Switched to")
      const unknown = yield* runCli(fake, token, ["home", "switch", "nobody"])
      assert.strictEqual(unknown.code, 2)
      assert.include(unknown.stderr, "no Home user 'nobody'")
    }))
})
