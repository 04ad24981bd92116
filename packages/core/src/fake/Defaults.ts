/**
 * The world the fake starts with when a test says nothing: one account, one
 * shared source, and the fake server's connections on each face.
 *
 * @internal
 */
import type { ConnectionSpec, SourceSpec } from "./State.js"

/** @internal */
export const demoAccount = {
  username: "demo",
  email: "demo@example.com",
  password: "plex-demo-password"
} as const

/** @internal */
export const demoSource: SourceSpec = {
  source: "server://5c1f0e8d2b7a4c3e9f60a1b2c3d4e5f6",
  name: "Living Room Server",
  clientIdentifier: "5c1f0e8d2b7a4c3e9f60a1b2c3d4e5f6",
  connections: [
    {
      protocol: "https",
      address: "192.168.1.20",
      port: 32400,
      uri: "https://192-168-1-20.5c1f0e8d2b7a4c3e9f60a1b2c3d4e5f6.plex.direct:32400",
      local: true,
      relay: false
    },
    {
      protocol: "https",
      address: "203.0.113.7",
      port: 32400,
      uri: "https://203-0-113-7.5c1f0e8d2b7a4c3e9f60a1b2c3d4e5f6.plex.direct:32400",
      local: false,
      relay: false
    },
    {
      protocol: "https",
      address: "198.51.100.9",
      port: 8443,
      uri: "https://198-51-100-9.5c1f0e8d2b7a4c3e9f60a1b2c3d4e5f6.plex.direct:8443",
      local: false,
      relay: true
    }
  ]
}

const connection = (
  uri: string,
  address: string,
  port: number,
  kind: "local" | "remote" | "relay"
): ConnectionSpec => ({
  uri,
  protocol: uri.startsWith("https:") ? "https" : "http",
  address,
  port,
  local: kind === "local",
  relay: kind === "relay"
})

/**
 * In memory: three names that only the fake answers, all https, as Plex lists
 * a server's plex.direct connections (a client sends its token over plain
 * http only to a private address).
 *
 * @internal
 */
export const inMemoryConnections = (serverUrl: string): ReadonlyArray<ConnectionSpec> => [
  connection(serverUrl.replace(/^http:/, "https:"), "192.168.1.20", 32400, "local"),
  connection("https://203-0-113-7.remote.plex-fake.invalid:32400", "203.0.113.7", 32400, "remote"),
  connection("https://relay.plex-fake.invalid:8443", "198.51.100.9", 8443, "relay")
]

/** On loopback: the same server under three addresses a real client can reach. */
/** @internal */
export const loopbackConnections = (origin: string): ReadonlyArray<ConnectionSpec> => {
  const port = Number(new URL(origin).port)
  return [
    connection(origin, "127.0.0.1", port, "local"),
    connection(`http://localhost:${port}`, "127.0.0.1", port, "remote"),
    connection(`${origin}/relay`, "127.0.0.1", port, "relay")
  ]
}
