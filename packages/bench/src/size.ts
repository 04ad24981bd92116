/**
 * `npm run bench:size`: what each choice adds to a browser bundle, built by
 * esbuild (minified, ESM, browser platform) from the published entry points.
 */
import * as esbuild from "esbuild"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"

const here = path.dirname(fileURLToPath(import.meta.url))

const floorLabel = "Effect floor: runPromise + FetchHttpClient + HttpClient.get + json (no effect-plex)"

const entries: ReadonlyArray<readonly [string, string]> = [
  [
    floorLabel,
    `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
     import * as HttpClient from "@effect/platform/HttpClient"
     import { Effect } from "effect"
     export const run = (url) => HttpClient.get(url).pipe(
       Effect.flatMap((response) => response.json), Effect.provide(FetchHttpClient.layer), Effect.runPromise)`
  ],
  [
    "effect-plex: getTokenDetails + FetchHttpClient",
    `import { getTokenDetails } from "@effect-plex/client/TokenDetails"
     import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
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
     import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
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
    "effect-plex: getTokenDetails under Jwt.layer (jose included) + FetchHttpClient",
    `import { getTokenDetails } from "@effect-plex/client/TokenDetails"
     import * as Jwt from "@effect-plex/client/Jwt"
     import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
     import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
     import { Effect, Layer } from "effect"
     export const run = (options, key) => getTokenDetails().pipe(
       Effect.provide(Jwt.layer({ key }).pipe(Layer.provide(PlexCredentials.layer(options)), Layer.provideMerge(FetchHttpClient.layer))),
       Effect.runPromise)`
  ],
  [
    "effect-plex: the whole client, every operation called + FetchHttpClient",
    `import { ClientIdentity, Decoding, Jwt, KeyStore, Pin, PlexCredentials, Resource, Retry, ServerConnection, SignIn,
       SourceConnection, TokenDetails, TokenLifecycle, TransientToken, UserPlexAccount } from "@effect-plex/client"
     import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
     import { Effect, Layer, Stream } from "effect"
     const layer = (options) => Layer.merge(FetchHttpClient.layer, PlexCredentials.layer(options))
     const run = (effect, options) => effect.pipe(Retry.retry(), Effect.provide(layer(options)), Effect.runPromise)
     export const calls = (o, input) => [
       run(TokenDetails.getTokenDetails(), o),
       run(TransientToken.getTransientToken(), o),
       run(SourceConnection.getSourceConnectionInformation({ source: input.source }), o),
       run(SignIn.signIn({ login: input.login, password: input.password }), o),
       run(Effect.flatMap(Pin.createPin({ key: input.key }), (pin) => Effect.zip(Pin.authAppUrl(pin), Pin.waitForToken(pin))), o),
       run(Pin.getPin(input.pin), o),
       run(Stream.runCollect(Pin.poll(input.pinValue)), o),
       run(Effect.flatMap(Resource.getResources(), (all) => ServerConnection.connect(all.filter(Resource.isServer)[0])), o),
       run(TokenLifecycle.ping(), o),
       run(TokenLifecycle.signOut(), o),
       run(TokenLifecycle.validate(), o),
       ClientIdentity.layer(input.identity),
       run(Effect.flatMap(Jwt.generateKey(), (key) => Effect.zip(Jwt.registerKey(key), Jwt.exchange(key))), o),
       KeyStore.loadOrCreate(input.identity),
       Decoding.tolerant(UserPlexAccount.UserPlexAccount)(input.body)
     ]`
  ],
  [
    "plexjs 0.39.0: standalone authenticationGetTokenDetails + PlexAPICore",
    `import { PlexAPICore } from "@lukehagar/plexjs/core.js"
     import { authenticationGetTokenDetails } from "@lukehagar/plexjs/funcs/authenticationGetTokenDetails.js"
     export const run = (accessToken) => authenticationGetTokenDetails(new PlexAPICore({ accessToken }))`
  ]
]

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

console.log("| bundle | minified | minified + gzip | gzip over the Effect floor |")
console.log("| --- | --: | --: | --: |")
let floor = 0
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
  const gzip = zlib.gzipSync(code, { level: 9 }).length
  if (label === floorLabel) floor = gzip
  const over = label === floorLabel || !label.startsWith("effect-plex") ? "" : `+${kib(gzip - floor)}`
  console.log(`| ${label} | ${kib(code.length)} | ${kib(gzip)} | ${over} |`)
}
