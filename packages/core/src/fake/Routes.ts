/**
 * The routes of plex.tv and of the Plex Media Server, answering as the real
 * services do, as recorded in test-data/real-world and documented by the
 * OpenAPI specs in test-data/plex-openapi.
 *
 * @internal
 */
import { type AccountSpec, userBody } from "./Account.js"
import { publicJwkOf, tokenExpired } from "./Jwt.js"
import type { FakeState, HomeMember, PinState, Route } from "./State.js"
import {
  type FakeRequest,
  type FakeResponse,
  jsonObject,
  negotiated,
  plexTvError,
  pmsError,
  reply,
  wantsJson,
  xmlElement
} from "./Wire.js"

/** @internal */
export interface FakeConfig {
  readonly journalLimit: number
  readonly lockoutAfter: number
  readonly lockoutMillis: number
  /** Switches to Home users a minute before a 429 (the fake's own number: Plex publishes none). */
  readonly homeSwitchBurst: number
}

const missingClientId = { code: 1000, message: "X-Plex-Client-Identifier is missing" }
const badCredentials = { code: 1001, message: "User could not be authenticated" }

type UserBody = Omit<ReturnType<typeof userBody>, "username" | "email"> & {
  readonly username: string | null
  readonly email: string | null
}

const userXml = (body: UserBody) =>
  xmlElement(
    "user",
    body,
    xmlElement("subscription", body.subscription) + xmlElement("profile", body.profile) +
      `<entitlements>${body.entitlements.map((id) => xmlElement("entitlement", { id })).join("")}</entitlements>`
  )

// A managed Home user has no e-mail and no username of its own.
const userResponse = (
  request: FakeRequest,
  status: number,
  account: AccountSpec,
  token: string,
  now: number,
  managed = false
) => {
  const body = {
    ...userBody(account, token, Math.floor(now / 1000)),
    ...(managed ? { username: null, email: null } : {})
  }
  return negotiated(request, status, body, () => userXml(body))
}

const token = (request: FakeRequest) =>
  request.headers["x-plex-token"] ?? request.url.searchParams.get("X-Plex-Token") ?? undefined

const signIn = (state: FakeState, config: FakeConfig, request: FakeRequest, now: number): FakeResponse => {
  const clientId = request.headers["x-plex-client-identifier"]
  if (clientId === undefined || clientId === "") return plexTvError(request, 400, missingClientId)
  const failures = state.failures.get(clientId)
  if (failures !== undefined && now - failures.lastAt >= config.lockoutMillis) state.failures.delete(clientId)
  const recordFailure = () => {
    const current = state.failures.get(clientId)
    state.failures.set(clientId, { count: (current?.count ?? 0) + 1, lastAt: now })
  }
  if ((state.failures.get(clientId)?.count ?? 0) >= config.lockoutAfter) {
    recordFailure()
    return plexTvError(request, 401, {
      code: 1031,
      message:
        "User could not be authenticated. This IP appears to be having trouble signing in to an account (detected repeated failures)"
    })
  }
  const form = new URLSearchParams(request.body)
  const account = state.findAccount(form.get("login") ?? "")
  if (account === undefined || account.password !== form.get("password")) {
    recordFailure()
    return plexTvError(request, 401, badCredentials)
  }
  if (account.verificationCode !== undefined) {
    const code = form.get("verificationCode")
    if (code === null || code === "") {
      return plexTvError(request, 401, { code: 1029, message: "Please enter the verification code" })
    }
    if (code !== account.verificationCode) {
      recordFailure()
      return plexTvError(request, 401, { code: 1028, message: "Invalid verification code" })
    }
  }
  state.failures.delete(clientId)
  return userResponse(request, 201, account, state.issueToken(account), now)
}

const user = (state: FakeState, request: FakeRequest, now: number): FakeResponse =>
  withAccount(
    state,
    request,
    now,
    (account, value) => userResponse(request, 200, account, value, now, isManaged(state, account))
  )

const isManaged = (state: FakeState, account: AccountSpec) =>
  state.home.some((h) => h.account === account && h.member.managed === true)

const transientToken = (state: FakeState, request: FakeRequest, now: number): FakeResponse => {
  const account = state.pmsAccount(token(request), now)
  if (account === "expired") return pmsError(498, "Token Expired")
  if (account === undefined) return pmsError(401, "Unauthorized")
  const params = request.url.searchParams
  if (params.get("type") !== "delegation" || params.get("scope") !== "all") return pmsError(400, "Bad Request")
  const issued = state.issueTransient(account, now)
  return negotiated(
    request,
    200,
    { MediaContainer: { size: 0, token: issued } },
    () => xmlElement("MediaContainer", { size: 0, token: issued })
  )
}

const sourceResources = (state: FakeState, request: FakeRequest, now: number): FakeResponse => {
  const account = state.pmsAccount(token(request), now)
  if (account === "expired") return pmsError(498, "Token Expired")
  if (account === undefined) return pmsError(401, "Unauthorized")
  if (!account.serverAdmin) return pmsError(403, "Forbidden")
  const wanted = request.url.searchParams.get("source")
  if (wanted === null || wanted === "") return pmsError(400, "Bad Request")
  const source = state.sources.find((s) => s.source === wanted)
  if (source === undefined) return pmsError(404, "Not Found")
  const device = {
    name: source.name,
    clientIdentifier: source.clientIdentifier,
    accessToken: state.issueTransient(account, now),
    Connection: source.connections
  }
  return negotiated(
    request,
    200,
    { MediaContainer: { size: 1, Device: device } },
    () =>
      xmlElement(
        "MediaContainer",
        { size: 1 },
        xmlElement("Device", device, device.Connection.map((c) => xmlElement("Connection", c)).join(""))
      )
  )
}

const iso = (millis: number) => new Date(millis).toISOString().replace(/\.\d{3}Z$/, "Z")

const pinBody = (pin: PinState) => ({
  id: pin.id,
  code: pin.code,
  product: pin.product,
  trusted: false,
  qr: `https://plex.tv/api/v2/pins/qr/${pin.code}`,
  clientIdentifier: pin.clientIdentifier,
  location: {
    code: "US",
    european_union_member: false,
    continent_code: "NA",
    country: "United States",
    city: "Springfield",
    time_zone: "America/Chicago",
    postal_code: "62701",
    in_privacy_restricted_country: false,
    in_privacy_restricted_region: false,
    subdivisions: "Illinois",
    coordinates: "39.8017, -89.6436"
  },
  expiresIn: Math.round((pin.expiresAt - pin.createdAt) / 1000),
  createdAt: iso(pin.createdAt),
  expiresAt: iso(pin.expiresAt),
  authToken: pin.token ?? null,
  newRegistration: pin.claimedBy === undefined ? null : false
})

const pinNotFound = { code: 1020, message: "Code not found or expired" }

// The JWT PIN flow sends `{ jwk, strong }` as JSON; the classic one `strong` in the query.
const createPin = (state: FakeState, request: FakeRequest, now: number): FakeResponse => {
  const clientId = request.headers["x-plex-client-identifier"]
  if (!clientId) return plexTvError(request, 400, missingClientId)
  const body = request.headers["content-type"]?.startsWith("application/json") ? jsonObject(request.body) : undefined
  const jwk = body === undefined ? undefined : publicJwkOf(body["jwk"])
  if (body !== undefined && jwk === undefined) return plexTvError(request, 400, { code: 1097, message: "Bad Request" })
  const strong = body === undefined ? request.url.searchParams.get("strong") === "true" : body["strong"] !== false
  const pin = state.createPin(strong, request.headers["x-plex-product"] ?? "", clientId, now, jwk)
  return negotiated(request, 201, pinBody(pin), () => xmlElement("pin", pinBody(pin)))
}

// A JWT PIN is shown only to the device holding its key: each poll carries a device JWT it signed.
const getPin = async (state: FakeState, request: FakeRequest, path: string, now: number): Promise<FakeResponse> => {
  const clientId = request.headers["x-plex-client-identifier"]
  if (!clientId) return plexTvError(request, 400, missingClientId)
  const pin = state.pins.get(Number(path.slice("/pins/".length)))
  if (pin === undefined || now >= pin.expiresAt) return plexTvError(request, 404, pinNotFound)
  if (pin.jwk !== undefined) {
    const deviceJwt = request.url.searchParams.get("deviceJWT")
    const claims = deviceJwt === null ? undefined : await state.jwt.verifyDevice(deviceJwt, pin.jwk, clientId, now)
    if (claims === undefined) {
      return plexTvError(request, 422, { code: 1096, message: "Signature Verification Failed" })
    }
  }
  return negotiated(request, 200, pinBody(pin), () => xmlElement("pin", pinBody(pin)))
}

// Approving another device's code (plex.tv/link) for the signed-in account.
// What plex.tv answers to an unknown code is not documented: the fake's 404
// with code 1020, like an unknown PIN's, is its own guess.
const linkPin = (state: FakeState, request: FakeRequest, now: number): Promise<FakeResponse> =>
  Promise.resolve(withAccount(state, request, now, async (account) => {
    const code = new URLSearchParams(request.body).get("code")?.toUpperCase()
    const pin = [...state.pins.values()].find((p) => p.code === code && now < p.expiresAt && p.token === undefined)
    if (pin === undefined) return plexTvError(request, 404, pinNotFound)
    await state.claimPin(pin, account, now)
    return reply(204, "", "text/plain")
  }))

// A Home: its admin (the first account) and its members, as python-plexapi,
// PlexKit and @ctrl/plex read `GET /api/v2/home/users`. A managed user has
// no e-mail and no username here: the fake's reading.
const homeUser = (account: AccountSpec, member: HomeMember | undefined, admin: boolean) => ({
  id: account.id,
  uuid: account.uuid,
  title: account.title,
  username: member?.managed ? null : account.username,
  email: member?.managed ? null : account.email,
  friendlyName: account.title,
  thumb: `https://plex.tv/users/${account.uuid}/avatar`,
  hasPassword: !member?.managed,
  restricted: member?.restricted ?? false,
  admin,
  guest: false,
  protected: member?.pin !== undefined
})

const homeUsers = (state: FakeState, request: FakeRequest, now: number): FakeResponse =>
  withAccount(state, request, now, () => {
    const admin = state.accounts[0]!
    const users = [homeUser(admin, undefined, true), ...state.home.map((h) => homeUser(h.account, h.member, false))]
    return negotiated(
      request,
      200,
      {
        id: admin.id,
        name: `${admin.title}'s Home`,
        guestUserID: null,
        guestEnabled: false,
        subscription: admin.plexPass,
        users
      },
      () => xmlElement("MediaContainer", { size: users.length }, users.map((u) => xmlElement("User", u)).join(""))
    )
  })

const pinRequired = { code: 1041, message: "A valid PIN is required to perform this action" }
const tooManySwitches = { code: 1002, message: "Too many requests" }

// Switching to a Home user: that user's account body, with a token of its own.
const switchHomeUser = (
  state: FakeState,
  config: FakeConfig,
  request: FakeRequest,
  path: string,
  now: number
): FakeResponse =>
  withAccount(state, request, now, () => {
    const uuid = decodeURIComponent(path.slice("/home/users/".length, -"/switch".length))
    const admin = state.accounts[0]!
    const found = admin.uuid === uuid
      ? { account: admin, member: undefined }
      : state.home.find((h) => h.account.uuid === uuid || String(h.account.id) === uuid)
    if (found === undefined) return plexTvError(request, 404, { code: 1002, message: "Not found" })
    state.switches = state.switches.filter((at) => now - at < 60_000)
    if (state.switches.length >= config.homeSwitchBurst) {
      return reply(429, JSON.stringify({ errors: [{ ...tooManySwitches, status: 429 }] }), "application/json", {
        "retry-after": "60"
      })
    }
    state.switches.push(now)
    const pin = found.member?.pin
    if (pin !== undefined && request.url.searchParams.get("pin") !== pin) return plexTvError(request, 403, pinRequired)
    return userResponse(request, 201, found.account, state.issueToken(found.account), now, found.member?.managed)
  })

const resources = (state: FakeState, request: FakeRequest, now: number): FakeResponse =>
  withAccount(state, request, now, (account, value) => {
    const params = request.url.searchParams
    const connections = state.connections
      .filter((c) => params.get("includeRelay") === "1" || !c.relay)
      .filter((c) => params.get("includeHttps") === "1" || c.protocol === "http")
      .map((c) => ({ ...c, IPv6: false }))
    const server = {
      name: "Living Room Server",
      product: "Plex Media Server",
      productVersion: "1.41.3.9314-a0bfb8370",
      platform: "Linux",
      platformVersion: "6.8.0",
      device: "PC",
      clientIdentifier: serverMachineIdentifier,
      createdAt: "2021-01-01T12:12:24Z",
      lastSeenAt: iso(now),
      provides: "server",
      ownerId: account.serverAdmin ? null : 1,
      sourceTitle: account.serverAdmin ? null : "owner",
      publicAddress: "203.0.113.7",
      accessToken: value,
      owned: account.serverAdmin,
      home: false,
      synced: false,
      relay: true,
      presence: true,
      httpsRequired: false,
      publicAddressMatches: false,
      dnsRebindingProtection: false,
      natLoopbackSupported: false,
      connections
    }
    return negotiated(
      request,
      200,
      [server],
      () => xmlElement("MediaContainer", { size: 1 }, xmlElement("resource", server))
    )
  })

/** plex.tv's checks for a signed-in call: a client identifier (400/1000), then a known token (401/1001). */
function withAccount<R = FakeResponse>(
  state: FakeState,
  request: FakeRequest,
  now: number,
  then: (account: AccountSpec, token: string) => R
): FakeResponse | R {
  if (!request.headers["x-plex-client-identifier"]) return plexTvError(request, 400, missingClientId)
  const value = token(request)
  const account = state.accountFor(value, now)
  if (account === "expired") return plexTvError(request, 498, tokenExpired)
  return account === undefined ? plexTvError(request, 401, badCredentials) : then(account, value!)
}

/** The fake PMS's machine identifier (its resource `clientIdentifier`). @internal */
export const serverMachineIdentifier = "8e2f1c7d5a3b4e6f9a0b1c2d3e4f5a6b"

const identity = (request: FakeRequest): FakeResponse =>
  negotiated(
    request,
    200,
    {
      MediaContainer: {
        size: 0,
        claimed: true,
        machineIdentifier: serverMachineIdentifier,
        version: "1.41.3.9314-a0bfb8370"
      }
    },
    () => xmlElement("MediaContainer", { size: 0, claimed: 1, machineIdentifier: serverMachineIdentifier })
  )

/** @internal */
export const plexTvRoute = (method: string, path: string): Route | undefined => {
  if (method === "POST" && path === "/users/signin") return "signin"
  if (method === "GET" && path === "/user") return "user"
  if (method === "POST" && path === "/pins") return "createPin"
  if (method === "PUT" && path === "/pins/link") return "linkPin"
  if (method === "GET" && path === "/home/users") return "homeUsers"
  if (method === "POST" && /^\/home\/users\/[^/]+\/switch$/.test(path)) return "switchHomeUser"
  if (method === "GET" && /^\/pins\/[^/]+$/.test(path)) return "getPin"
  if (method === "GET" && path === "/resources") return "resources"
  if (method === "GET" && path === "/ping") return "ping"
  if (method === "DELETE" && path === "/users/signout") return "signout"
  return undefined
}

/** clients.plex.tv: the JWT endpoints and the JWT PIN flow, and plex.tv's own routes besides. @internal */
export const clientsRoute = (method: string, path: string): Route | undefined => {
  if (method === "POST" && path === "/auth/jwk") return "registerKey"
  if (method === "GET" && path === "/auth/nonce") return "jwtNonce"
  if (method === "POST" && path === "/auth/token") return "exchangeJwt"
  if (method === "GET" && path === "/auth/keys") return "jwtKeys"
  return plexTvRoute(method, path)
}

/** PMS answers the security routes on any verb (POST is preferred for the token). @internal */
export const serverRoute = (path: string): Route | undefined =>
  path === "/security/token"
    ? "transientToken"
    : path === "/security/resources"
    ? "sourceResources"
    : path === "/identity"
    ? "identity"
    : undefined

/**
 * The answer to `request` on `route` at `now` (epoch millis): at once, or,
 * where the fake signs or verifies a JWT (WebCrypto is asynchronous), later.
 *
 * @internal
 */
export const answer = (
  state: FakeState,
  config: FakeConfig,
  route: Route,
  request: FakeRequest,
  path: string,
  now: number
): FakeResponse | Promise<FakeResponse> => {
  switch (route) {
    case "getPin":
      return getPin(state, request, path, now)
    case "linkPin":
      return linkPin(state, request, now)
    case "registerKey":
      return state.jwt.register(request, state.accountFor(token(request), now))
    case "jwtNonce":
      return state.jwt.nonce(request, now)
    case "exchangeJwt":
      return state.jwt.exchange(request, now)
    case "jwtKeys":
      return state.jwt.published()
    case "createPin":
      return createPin(state, request, now)
    case "resources":
      return resources(state, request, now)
    case "homeUsers":
      return homeUsers(state, request, now)
    case "switchHomeUser":
      return switchHomeUser(state, config, request, path, now)
    case "ping":
      return withAccount(state, request, now, () => reply(200, "{}", "application/json"))
    case "signout":
      return withAccount(state, request, now, (_, value) => {
        state.tokens.delete(value)
        return reply(204, "", "text/plain")
      })
    case "identity":
      return identity(request)
    case "signin":
      return signIn(state, config, request, now)
    case "user":
      return user(state, request, now)
    case "transientToken":
      return transientToken(state, request, now)
    case "sourceResources":
      return sourceResources(state, request, now)
  }
}

/** @internal */
export const notFound = (request: FakeRequest): FakeResponse =>
  wantsJson(request) ? plexTvError(request, 404, { code: 1002, message: "Not found" }) : pmsError(404, "Not Found")
