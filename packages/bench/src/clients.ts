/**
 * The clients under comparison, each reduced to two calls returning a
 * promise: token details (GET, 6 KB decoded) and sign-in (form POST).
 */
import { PlexCredentials } from "@effect-plex/client/PlexCredentials"
import { signIn } from "@effect-plex/client/SignIn"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { PlexAPI } from "@lukehagar/plexjs"
import { Layer, ManagedRuntime } from "effect"
import * as undici from "undici"

export interface Client {
  readonly tokenDetails: () => Promise<unknown>
  readonly signIn: () => Promise<unknown>
  readonly close: () => Promise<void>
}

const clientIdentifier = "bench-client"
const token = "bench-token-0123456789"
const login = "demo"
const password = "plex-demo-password"
const headers = { accept: "application/json", "x-plex-client-identifier": clientIdentifier, "x-plex-product": "bench" }
const form = `login=${login}&password=${password}`

const effectPlex = (transport: Layer.Layer<HttpClient.HttpClient>) => (plexTvUrl: string): Client => {
  const runtime = ManagedRuntime.make(
    Layer.merge(transport, PlexCredentials.layer({ clientIdentifier, product: "bench", token, plexTvUrl }))
  )
  const details = getTokenDetails()
  const signInCall = signIn({ login, password })
  return {
    tokenDetails: () => runtime.runPromise(details),
    signIn: () => runtime.runPromise(signInCall),
    close: () => runtime.dispose()
  }
}

const plexjs = (plexTvUrl: string): Client => {
  const sdk = new PlexAPI({ accessToken: token })
  return {
    tokenDetails: () => sdk.authentication.getTokenDetails({ serverURL: plexTvUrl }),
    signIn: () =>
      sdk.authentication.postUsersSignInData({ clientID: clientIdentifier, requestBody: { login, password } }, {
        serverURL: plexTvUrl
      }),
    close: async () => {}
  }
}

const rawFetch = (plexTvUrl: string): Client => ({
  tokenDetails: async () => JSON.parse(await (await fetch(`${plexTvUrl}/user`, { headers: { ...headers, "x-plex-token": token } })).text()),
  signIn: async () =>
    JSON.parse(
      await (await fetch(`${plexTvUrl}/users/signin`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
        body: form
      })).text()
    ),
  close: async () => {}
})

const rawUndici = (plexTvUrl: string): Client => {
  const agent = new undici.Agent({ connections: 256 })
  return {
    tokenDetails: async () => {
      const res = await undici.request(`${plexTvUrl}/user`, { dispatcher: agent, headers: { ...headers, "x-plex-token": token } })
      return JSON.parse(await res.body.text())
    },
    signIn: async () => {
      const res = await undici.request(`${plexTvUrl}/users/signin`, {
        dispatcher: agent,
        method: "POST",
        headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
        body: form
      })
      return JSON.parse(await res.body.text())
    },
    close: () => agent.close()
  }
}

export const clients: Record<string, (plexTvUrl: string) => Client> = {
  "effect-plex + FetchHttpClient": effectPlex(FetchHttpClient.layer),
  "effect-plex + NodeHttpClient.layerUndici": effectPlex(NodeHttpClient.layerUndici),
  "effect-plex + NodeHttpClient.layer (node:http)": effectPlex(NodeHttpClient.layer),
  "plexjs 0.39.0": plexjs,
  "fetch + JSON.parse": rawFetch,
  "undici.request + JSON.parse": rawUndici
}

