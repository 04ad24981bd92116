/**
 * `npm run bench:size`: what each choice adds to a browser bundle, built by
 * esbuild (minified, ESM, browser platform) from the published entry points.
 */
import * as esbuild from "esbuild"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))

const entries: ReadonlyArray<readonly [string, string]> = [
  [
    "effect-plex: getTokenDetails + FetchHttpClient",
    `import { getTokenDetails } from "@effect-plex/client/TokenDetails"
     import { PlexCredentials } from "@effect-plex/client/PlexCredentials"
     import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
     import { Effect, Layer } from "effect"
     export const run = (options) => getTokenDetails().pipe(
       Effect.provide(Layer.merge(FetchHttpClient.layer, PlexCredentials.layer(options))), Effect.runPromise)`
  ],
  [
    "effect-plex: all four operations + Retry + FetchHttpClient",
    `import { getTokenDetails } from "@effect-plex/client/TokenDetails"
     import { getTransientToken } from "@effect-plex/client/TransientToken"
     import { getSourceConnectionInformation } from "@effect-plex/client/SourceConnection"
     import { signIn } from "@effect-plex/client/SignIn"
     import * as Retry from "@effect-plex/client/Retry"
     import { PlexCredentials } from "@effect-plex/client/PlexCredentials"
     import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
     import { Effect, Layer } from "effect"
     const layer = (options) => Layer.merge(FetchHttpClient.layer, PlexCredentials.layer(options))
     const run = (effect, options) => effect.pipe(Retry.retry(), Effect.provide(layer(options)), Effect.runPromise)
     export const details = (o) => run(getTokenDetails(), o)
     export const transient = (o) => run(getTransientToken(), o)
     export const source = (o, source) => run(getSourceConnectionInformation({ source }), o)
     export const login = (o, login, password) => run(signIn({ login, password }), o)`
  ],
  [
    "effect-plex: the whole client (every module of the barrel) + FetchHttpClient",
    `export * from "@effect-plex/client"
     export * as FetchHttpClient from "@effect/platform/FetchHttpClient"`
  ],
  [
    "plexjs 0.39.0: standalone authenticationGetTokenDetails + PlexAPICore",
    `import { PlexAPICore } from "@lukehagar/plexjs/core.js"
     import { authenticationGetTokenDetails } from "@lukehagar/plexjs/funcs/authenticationGetTokenDetails.js"
     export const run = (accessToken) => authenticationGetTokenDetails(new PlexAPICore({ accessToken }))`
  ]
]

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

console.log("| bundle | minified | minified + gzip |")
console.log("| --- | --: | --: |")
for (const [label, contents] of entries) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: here, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "error"
  })
  const code = result.outputFiles[0]!.contents
  console.log(`| ${label} | ${kib(code.length)} | ${kib(zlib.gzipSync(code, { level: 9 }).length)} |`)
}
