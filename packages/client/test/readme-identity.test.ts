// -- example start
import { ClientIdentity } from "@effect-plex/client"
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"

const identity = ClientIdentity.make({ appName: "my-app" }).pipe(Effect.provide(NodeContext.layer))
// $XDG_CONFIG_HOME/my-app/client-identifier, created once with mode 0600; ClientIdentity.layer(...) as a Layer
// -- example end

import { assert, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { exampleOf, readmeText } from "./support/readme.js"

it.effect("README: a stable client identity", () =>
  Effect.gen(function*() {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "effect-plex-readme-"))
    const inHome = Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["XDG_CONFIG_HOME", home]])))
    const first = yield* identity.pipe(inHome)
    const second = yield* identity.pipe(inHome)
    assert.strictEqual(second.clientIdentifier, first.clientIdentifier)
    assert.strictEqual(first.file, path.join(home, "my-app", "client-identifier"))
    assert.strictEqual(fs.statSync(first.file).mode & 0o777, 0o600)
    fs.rmSync(home, { recursive: true, force: true })
    assert.include(readmeText(), exampleOf(import.meta.url))
  }))
