/**
 * Plex's JWT device authentication, as clients.plex.tv answers it, with real
 * Ed25519 signatures: key registration, nonces, the token exchange, the
 * published signing keys (which rotate), and Plex JWTs that expire on the
 * Effect `Clock`.
 *
 * What Plex documents is followed: the endpoints, 422 "Thumbprint Already
 * Taken" and "Signature Verification Failed", 498 for an expired token, the
 * 7-day lifetime, nonces. The rest is this fake's own invention, and said
 * so here:
 * - the Plex error codes 1095 to 1099 (Plex documents the messages only);
 * - a nonce lives 5 minutes and works once, and a client may fetch
 *   `nonceBurst` a minute before a 429;
 * - a device JWT may live at most an hour (Plex's own example lives
 *   3,600 s) and be issued at most a minute ahead;
 * - the Plex JWT's claims besides `iss`, `aud`, `iat`, `exp` and
 *   `thumbprint`: `user`, `scope`, `nonce` (the device JWT's, which
 *   @ctrl/plex checks) and `jti`, read from python-plexapi and @ctrl/plex.
 *
 * @internal
 */
import * as jose from "jose"
import type { AccountSpec } from "./Account.js"
import { type FakeRequest, type FakeResponse, jsonObject, plexTvError, reply } from "./Wire.js"

const day = 24 * 3600 * 1000
const nonceLifetime = 5 * 60 * 1000
const deviceJwtLifetime = 3600 * 1000
const jwtLifetime = 7 * day
const skew = 60 * 1000

interface RegisteredKey {
  readonly jwk: jose.JWK
  readonly clientIdentifier: string
  readonly account: AccountSpec
}

interface SigningKey {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: jose.JWK
}

/** @internal */
export interface JwtConfig {
  /** Nonces one client may fetch per minute before a 429. */
  readonly nonceBurst: number
}

const json = (status: number, body: unknown) => reply(status, JSON.stringify(body), "application/json; charset=utf-8")

const thumbprintTaken = { code: 1095, message: "Thumbprint Already Taken" }
const signatureFailed = { code: 1096, message: "Signature Verification Failed" }
const badRequest = { code: 1097, message: "Bad Request" }
const missingClientId = { code: 1000, message: "X-Plex-Client-Identifier is missing" }
const badCredentials = { code: 1001, message: "User could not be authenticated" }

/** What plex.tv says to a Plex JWT past its expiry, with status 498. @internal */
export const tokenExpired = { code: 1099, message: "Token Expired" }

/** A public Ed25519 JWK as Plex takes it, or undefined. @internal */
export const publicJwkOf = (value: unknown): jose.JWK | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const jwk = value as Record<string, unknown>
  if (jwk["kty"] !== "OKP" || jwk["crv"] !== "Ed25519") return undefined
  if (typeof jwk["x"] !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(jwk["x"])) return undefined
  if (typeof jwk["kid"] !== "string" || jwk["kid"] === "" || "d" in jwk) return undefined
  return { kty: "OKP", crv: "Ed25519", x: jwk["x"], kid: jwk["kid"] }
}

/** @internal */
export class JwtState {
  readonly keys = new Map<string, RegisteredKey>()
  private readonly nonces = new Map<string, number>()
  private readonly nonceTimes = new Map<string, Array<number>>()
  private signing: Array<SigningKey> = []
  private rotations = 0
  /** Plex JWTs issued, with when each expires. */
  readonly expiries = new Map<string, number>()
  exchanges = 0

  constructor(readonly config: JwtConfig, private readonly tokens: Map<string, AccountSpec>) {}

  /** Plex's signing keys: the newest signs; `retire` drops the older ones from `/auth/keys`. */
  async rotate(retire: boolean): Promise<void> {
    const { privateKey, publicKey } = await jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })
    const kid = `plex-signing-${++this.rotations}`
    const key = { kid, privateKey, publicJwk: { ...(await jose.exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" } }
    this.signing = retire ? [key] : [...this.signing, key]
  }

  private async signer(): Promise<SigningKey> {
    if (this.signing.length === 0) await this.rotate(false)
    return this.signing[this.signing.length - 1]!
  }

  /** A Plex JWT for `account`, issued to the device whose key is `thumbprint`. */
  async issue(
    account: AccountSpec,
    clientIdentifier: string,
    thumbprint: string,
    scope: string,
    now: number,
    nonce?: string
  ) {
    const key = await this.signer()
    const iat = Math.floor(now / 1000)
    const token = await new jose.SignJWT({
      thumbprint,
      scope,
      ...(nonce === undefined ? {} : { nonce }),
      user: { id: account.id, uuid: account.uuid, username: account.username }
    })
      .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "JWT" })
      .setIssuer("plex.tv")
      .setAudience(["plex.tv", clientIdentifier])
      .setIssuedAt(iat)
      .setExpirationTime(iat + jwtLifetime / 1000)
      // Ed25519 signatures are deterministic: without an id of its own, two
      // tokens issued in the same second to the same device would be one.
      .setJti(crypto.randomUUID())
      .sign(key.privateKey)
    this.expiries.set(token, iat * 1000 + jwtLifetime)
    this.tokens.set(token, account)
    return token
  }

  register(request: FakeRequest, account: AccountSpec | "expired" | undefined): FakeResponse {
    const clientIdentifier = request.headers["x-plex-client-identifier"]
    if (!clientIdentifier) return plexTvError(request, 400, missingClientId)
    if (account === "expired") return plexTvError(request, 498, tokenExpired)
    if (account === undefined) return plexTvError(request, 401, badCredentials)
    const jwk = publicJwkOf(jsonObject(request.body)?.["jwk"])
    if (jwk === undefined) return plexTvError(request, 400, badRequest)
    const kept = this.keys.get(jwk.kid!)
    if (kept !== undefined && kept.clientIdentifier !== clientIdentifier) {
      return plexTvError(request, 422, thumbprintTaken)
    }
    this.keys.set(jwk.kid!, { jwk, clientIdentifier, account })
    return reply(204, "", "text/plain")
  }

  /** A device whose key came with a JWT PIN is registered when the PIN is claimed. */
  registerFromPin(jwk: jose.JWK, clientIdentifier: string, account: AccountSpec) {
    this.keys.set(jwk.kid!, { jwk, clientIdentifier, account })
  }

  nonce(request: FakeRequest, now: number): FakeResponse {
    const clientIdentifier = request.headers["x-plex-client-identifier"]
    if (!clientIdentifier) return plexTvError(request, 400, missingClientId)
    const recent = (this.nonceTimes.get(clientIdentifier) ?? []).filter((at) => now - at < 60_000)
    if (recent.length >= this.config.nonceBurst) {
      const wait = Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000))
      return reply(
        429,
        JSON.stringify({ errors: [{ code: 1098, message: "Too Many Requests", status: 429 }] }),
        "application/json",
        { "retry-after": String(wait) }
      )
    }
    this.nonceTimes.set(clientIdentifier, [...recent, now])
    const nonce = crypto.randomUUID()
    this.nonces.set(nonce, now + nonceLifetime)
    return json(200, { nonce })
  }

  /** A device JWT signed by `jwk`: its claims, or why it fails. */
  async verifyDevice(token: string, jwk: jose.JWK, clientIdentifier: string, now: number) {
    try {
      const { payload } = await jose.jwtVerify(token, await jose.importJWK(jwk, "EdDSA"), {
        issuer: clientIdentifier,
        audience: "plex.tv",
        currentDate: new Date(now),
        algorithms: ["EdDSA"]
      })
      if (typeof payload.iat !== "number" || payload.iat * 1000 > now + skew) return undefined
      if (typeof payload.exp !== "number" || payload.exp - payload.iat > deviceJwtLifetime / 1000) return undefined
      return payload
    } catch {
      return undefined
    }
  }

  async exchange(request: FakeRequest, now: number): Promise<FakeResponse> {
    const clientIdentifier = request.headers["x-plex-client-identifier"]
    if (!clientIdentifier) return plexTvError(request, 400, missingClientId)
    const jwt = jsonObject(request.body)?.["jwt"]
    if (typeof jwt !== "string") return plexTvError(request, 400, badRequest)
    let kid: string | undefined
    try {
      kid = jose.decodeProtectedHeader(jwt).kid
    } catch {
      return plexTvError(request, 400, badRequest)
    }
    const key = kid === undefined ? undefined : this.keys.get(kid)
    if (key === undefined || key.clientIdentifier !== clientIdentifier) {
      return plexTvError(request, 422, signatureFailed)
    }
    const claims = await this.verifyDevice(jwt, key.jwk, clientIdentifier, now)
    const nonce = claims?.["nonce"]
    const nonceExpiry = typeof nonce === "string" ? this.nonces.get(nonce) : undefined
    if (claims === undefined || nonceExpiry === undefined || now >= nonceExpiry) {
      return plexTvError(request, 422, signatureFailed)
    }
    this.nonces.delete(nonce as string)
    this.exchanges++
    const scope = typeof claims["scope"] === "string" ? claims["scope"] : ""
    return json(200, { auth_token: await this.issue(key.account, clientIdentifier, kid!, scope, now, nonce as string) })
  }

  async published(): Promise<FakeResponse> {
    await this.signer()
    return json(200, { keys: this.signing.map((key) => key.publicJwk) })
  }
}
