/**
 * Whatever a server, a file or the environment says, the CLI's output obeys
 * no terminal control: in tables, in failure lines and in `--json`, on a TTY
 * and off it (the CLI makes no difference between them for this).
 */
import * as Jwt from "@effect-plex/client/Jwt"
import { PlexErrorDetail, TransportError, Unauthorized } from "@effect-plex/client/PlexError"
import { Resource } from "@effect-plex/client/Resource"
import type { ConnectedServer } from "@effect-plex/client/ServerConnection"
import { SourceDevice } from "@effect-plex/client/SourceConnection"
import { TransientToken } from "@effect-plex/client/TransientToken"
import { UserPlexAccount } from "@effect-plex/client/UserPlexAccount"
import * as PlexFake from "@effect-plex/testing/PlexFake"
import { assert, describe, it } from "@effect/vitest"
import { Cause, DateTime, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import * as fc from "fast-check"
import { oneLine } from "../src/ErrorReport.js"
import * as Output from "../src/Output.js"
import { json, visible } from "../src/SafeText.js"
import { capture, runCli } from "./support/inProcess.js"

// Every control but the line breaks the CLI's own layout writes.
const obeyed = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
// In a JSON document there is not even a raw line break.
const obeyedInJson = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const hostile = [
  "\u001b]52;c;aGVsbG8=\u0007", // OSC 52: write the clipboard
  "\u001b]0;pwned\u0007", // OSC 0: the window title
  "\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\", // OSC 8: a link that lies
  "\u001b[2J", // clear the screen
  "\u0007", // BEL
  "\u009b31m", // the C1 CSI
  "\r\u202espoof\n"
].join("")

const controls = fc.constantFrom(
  "\u001b",
  "\u0007",
  "\u009b",
  "\u009d",
  "\u0085",
  "\r",
  "\n",
  "\t",
  "\u0000",
  "\u007f",
  "\u202e",
  "\u2066",
  "\u2028"
)
const text = fc.string({ unit: fc.oneof(controls, fc.constantFrom("a", "]", "[", "5", ";", "\\", "é")), maxLength: 30 })

const key = await Effect.runPromise(Jwt.generateKey())

const everyPath = (s: string) => {
  const account = Schema.decodeUnknownSync(UserPlexAccount)({
    id: 1,
    uuid: `u${s}`,
    authToken: `tok${s}`,
    username: s,
    email: s,
    title: s
  })
  const device = Schema.decodeUnknownSync(SourceDevice)({
    clientIdentifier: s,
    name: s,
    accessToken: "access",
    Connection: [{ uri: s, local: true }]
  })
  const resource = Schema.decodeUnknownSync(Resource)({ clientIdentifier: s, name: s, connections: [{ uri: s }] })
  const connected: ConnectedServer = {
    resource,
    connection: resource.connections[0]!,
    probes: [{ connection: resource.connections[0]!, latency: Option.none(), failure: Option.some(s) }],
    credentials: Layer.empty as never
  }
  const jwt = new Jwt.PlexJwt({
    token: Redacted.make("jwt"),
    expiresAt: DateTime.unsafeMake(0),
    scopes: [s],
    claims: new Jwt.PlexJwtClaims({ iss: "plex.tv", aud: [s], thumbprint: s, iat: 0, exp: 1 })
  })
  return (flags: Output.OutputFlags) => [
    Output.account(flags, "Token of", account),
    Output.device(flags, device),
    Output.transientToken(
      flags,
      new TransientToken({
        token: Redacted.make(`t${s}`),
        size: Option.none(),
        identifier: Option.none(),
        offset: Option.none(),
        totalSize: Option.none()
      })
    ),
    Output.jwt(flags, "JWT", new Jwt.DeviceKey({ ...key, kid: s }), jwt),
    Output.servers(flags, [[resource, Either.right(connected)], [resource, Either.left({ message: s })]])
  ]
}

describe("terminal safety", () => {
  it("visible and json leave no control a terminal would obey, and json keeps the value", () =>
    fc.assert(fc.property(text, (s) => {
      assert.notMatch(visible(s), obeyedInJson)
      assert.notMatch(json({ s }), obeyedInJson)
      assert.deepStrictEqual(JSON.parse(json({ s })), { s })
    })))

  it.effect("every output path, as a table and as --json, with or without --show-token", () =>
    Effect.sync(() =>
      fc.assert(
        fc.property(text, (s) => {
          for (
            const flags of [
              { json: false, showToken: false },
              { json: false, showToken: true },
              { json: true, showToken: true }
            ]
          ) {
            const printed = capture()
            for (const path of everyPath(s)(flags)) Effect.runSync(printed.run(path))
            for (const line of printed.lines) {
              assert.notMatch(line, flags.json ? obeyedInJson : obeyed, JSON.stringify(line))
              if (flags.json) JSON.parse(line)
            }
          }
        }),
        { numRuns: 60 }
      )
    ))

  it("failure lines: Plex's error messages, transport reasons and unknown errors", () =>
    fc.assert(fc.property(text, (s) => {
      const details = [new PlexErrorDetail({ code: Option.some(1001), message: Option.some(s), status: Option.none() })]
      for (
        const error of [
          new Unauthorized({ operation: "getTokenDetails", status: 401, errors: details }),
          new TransportError({ operation: "getTokenDetails", phase: "request", reason: s }),
          { message: s },
          new Error(s)
        ]
      ) {
        const line = oneLine(Cause.fail(error))
        assert.notMatch(line, obeyedInJson, JSON.stringify(line))
      }
      assert.notMatch(oneLine(Cause.die(new Error(s))), obeyedInJson)
    })))

  describe("the commands against a fake Plex whose account and errors carry escapes", () => {
    it.scopedLive("whoami, as a table and as --json, and a failure whose Plex message (JSON or XML) carries escapes", () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.serve({
          accounts: [{ username: `demo${hostile}`, email: `a${hostile}@example.com`, password: "pw", title: hostile }]
        })
        const token = yield* fake.issueToken(`demo${hostile}`)
        for (const args of [["whoami"], ["whoami", "--json"], ["whoami", "--show-token"]]) {
          const run = yield* runCli(fake, token, args)
          assert.strictEqual(run.code, 0, run.stderr)
          assert.isAbove(run.stdout.length, 0)
          for (const line of run.stdout.split("\n")) {
            assert.notMatch(line, args.includes("--json") ? obeyedInJson : obeyed, line)
          }
          assert.include(run.stdout, args.includes("--json") ? "\\u001b" : "␛")
        }
        for (
          const body of [
            JSON.stringify({ errors: [{ code: 1000, message: `bad${hostile}`, status: 400 }] }),
            `<errors><error code="1000" message="bad&#27;]0;pwned&#7;&#x9b;31m" status="400"/></errors>`
          ]
        ) {
          yield* fake.inject("user", PlexFake.Faults.status(400, { body }), { times: 1 })
          const run = yield* runCli(fake, token, ["whoami"])
          assert.strictEqual(run.code, 1)
          const line = run.stderr.trimEnd()
          assert.include(line, "␛]0;pwned␇", line)
          assert.notMatch(line, obeyedInJson, line)
        }
      }))
  })
})
