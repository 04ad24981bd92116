/** The four operations, described once so every test can run across all of them. */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { PlexCredentials, type PlexCredentialsOptions } from "../../src/PlexCredentials.js"
import type { PlexError } from "../../src/PlexError.js"
import { postUsersSignInData } from "../../src/SignIn.js"
import { getSourceConnectionInformation } from "../../src/SourceConnection.js"
import { getTokenDetails } from "../../src/TokenDetails.js"
import { getTransientToken } from "../../src/TransientToken.js"
import { readRealWorld } from "./fixtures.js"
import { json, type Reply } from "./scriptedHttp.js"

export const token = "tok-SECRET-9f8e7d6c5b4a"
export const password = "pa ss&w=rd+ü-SECRET"
export const serverUrl = "http://192.168.1.10:32400"
export const plexTvUrl = "https://plex.tv/api/v2"

export const credentials: PlexCredentialsOptions = {
  clientIdentifier: "3381b62b-9ab7-4e37-827b-203e9809eb58",
  product: "effect-plex tests",
  version: "1.2.3",
  platform: "Node.js",
  token,
  serverUrl
}

export const identityHeaders = {
  "accept": "application/json",
  "x-plex-client-identifier": "3381b62b-9ab7-4e37-827b-203e9809eb58",
  "x-plex-product": "effect-plex tests",
  "x-plex-version": "1.2.3",
  "x-plex-platform": "Node.js"
}

export const provide = (
  http: Layer.Layer<HttpClient.HttpClient>,
  options: PlexCredentialsOptions = credentials
) =>
<A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, Layer.merge(http, PlexCredentials.layer(options)))

export const userBody = readRealWorld("plextv-user.free.plex-api-rs.json")

export interface OperationCase {
  readonly name: string
  readonly run: () => Effect.Effect<unknown, PlexError, HttpClient.HttpClient | PlexCredentials>
  readonly method: "GET" | "POST"
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string | undefined
  readonly success: Reply
  /** What the decoded value must show: a projection compared with `expected`. */
  readonly project: (value: any) => unknown
  readonly expected: unknown
}

export const operations: ReadonlyArray<OperationCase> = [
  {
    name: "getTransientToken",
    run: () => getTransientToken({ type: "delegation", scope: "all" }),
    method: "GET",
    url: `${serverUrl}/security/token?type=delegation&scope=all`,
    headers: { ...identityHeaders, "x-plex-token": token },
    body: undefined,
    success: json(200, { MediaContainer: { size: 0, token: "transient-5f2c" } }),
    project: (t) => [Redacted.value(t.token), t.size],
    expected: ["transient-5f2c", { _id: "Option", _tag: "Some", value: 0 }]
  },
  {
    name: "getSourceConnectionInformation",
    run: () => getSourceConnectionInformation({ source: "server://abc def&x=1" }),
    method: "GET",
    url: `${serverUrl}/security/resources?source=server%3A%2F%2Fabc%20def%26x%3D1`,
    headers: { ...identityHeaders, "x-plex-token": token },
    body: undefined,
    success: json(200, {
      MediaContainer: {
        size: 1,
        Device: {
          name: "Shared Server",
          clientIdentifier: "abc",
          accessToken: "transient-device",
          Connection: [{
            protocol: "https",
            address: "10.0.0.5",
            port: 32400,
            uri: "https://10-0-0-5.x.plex.direct:32400",
            local: true,
            relay: false
          }]
        }
      }
    }),
    project: (
      d
    ) => [d.clientIdentifier, Redacted.value(d.accessToken), d.connections.map((c: any) => [c.uri, c.local, c.relay])],
    expected: ["abc", "transient-device", [["https://10-0-0-5.x.plex.direct:32400", true, false]]]
  },
  {
    name: "getTokenDetails",
    run: () => getTokenDetails(),
    method: "GET",
    url: `${plexTvUrl}/user`,
    headers: { ...identityHeaders, "x-plex-token": token },
    body: undefined,
    success: { status: 200, body: userBody },
    project: (a) => [a.id, a.uuid, Redacted.value(a.authToken)],
    expected: [12345, "212acf24b07315e5", "auth_token"]
  },
  {
    name: "postUsersSignInData",
    run: () =>
      postUsersSignInData({ login: "me+plex@example.com", password: Redacted.make(password), rememberMe: true }),
    method: "POST",
    url: `${plexTvUrl}/users/signin`,
    headers: { ...identityHeaders, "content-type": "application/x-www-form-urlencoded" },
    body: `login=me%2Bplex%40example.com&password=${encodeURIComponent(password)}&rememberMe=true`,
    success: { status: 201, body: userBody },
    project: (a) => [a.id, Redacted.value(a.authToken)],
    expected: [12345, "auth_token"]
  }
]
