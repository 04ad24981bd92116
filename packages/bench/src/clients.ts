/**
 * The clients under comparison, each reduced to two calls returning a
 * promise: token details (GET, 6 KB decoded) and sign-in (form POST).
 */
import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
import { signIn } from "@effect-plex/client/SignIn"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import { PlexAPI } from "@lukehagar/plexjs"
import { Effect, Layer, ManagedRuntime } from "effect"
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
  tokenDetails: async () =>
    JSON.parse(await (await fetch(`${plexTvUrl}/user`, { headers: { ...headers, "x-plex-token": token } })).text()),
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
      const res = await undici.request(`${plexTvUrl}/user`, {
        dispatcher: agent,
        headers: { ...headers, "x-plex-token": token }
      })
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

/**
 * A platform client doing the same request with no effect-plex on top: the
 * floor effect-plex is measured against. Its own span is off, set once for
 * the runtime, as effect-plex runs the platform.
 */
const platform = (transport: Layer.Layer<HttpClient.HttpClient>) => (plexTvUrl: string): Client => {
  const runtime = ManagedRuntime.make(
    Layer.merge(transport, Layer.locallyScoped(HttpClient.currentTracerDisabledWhen, () => true))
  )
  const requestHeaders = { ...headers, "x-plex-token": token }
  const details = HttpClient.get(`${plexTvUrl}/user`, { headers: requestHeaders }).pipe(
    Effect.flatMap((response) => response.text),
    Effect.map((text) => JSON.parse(text))
  )
  const signInCall = HttpClient.post(`${plexTvUrl}/users/signin`, {
    headers,
    body: HttpBody.text(form, "application/x-www-form-urlencoded")
  }).pipe(Effect.flatMap((response) => response.text), Effect.map((text) => JSON.parse(text)))
  return {
    tokenDetails: () => runtime.runPromise(details),
    signIn: () => runtime.runPromise(signInCall),
    close: () => runtime.dispose()
  }
}

/** The rows' names, which the bench's ratios refer to. */
export const rows = {
  plexFetch: "effect-plex + FetchHttpClient",
  plexUndici: "effect-plex + NodeHttpClient.layerUndici",
  plexNode: "effect-plex + NodeHttpClient.layer (node:http)",
  floorFetch: "floor: @effect/platform FetchHttpClient + JSON.parse",
  floorUndici: "floor: @effect/platform NodeHttpClient.layerUndici + JSON.parse",
  plexjs: "plexjs 0.39.0",
  fetch: "fetch + JSON.parse",
  undici: "undici.request + JSON.parse"
} as const

export const clients: Record<string, (plexTvUrl: string) => Client> = {
  [rows.plexFetch]: effectPlex(FetchHttpClient.layer),
  [rows.plexUndici]: effectPlex(NodeHttpClient.layerUndici),
  [rows.plexNode]: effectPlex(NodeHttpClient.layer),
  [rows.floorFetch]: platform(FetchHttpClient.layer),
  [rows.floorUndici]: platform(NodeHttpClient.layerUndici),
  [rows.plexjs]: plexjs,
  [rows.fetch]: rawFetch,
  [rows.undici]: rawUndici
}
