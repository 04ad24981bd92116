/**
 * The device JWT: what a device signs with its key to prove it holds it, for
 * the token exchange (with a nonce) and for the JWT PIN poll. jose is loaded
 * on first use, so that a program which never signs one (the classic PIN
 * flow, say) does not carry it.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as JoseModule from "jose"
import type { PlexCredentials } from "../PlexCredentials.js"
import { type CommonError, InvalidInput } from "../PlexError.js"
import { run } from "./pipeline.js"

type Jose = typeof JoseModule

/** Every scope a Plex JWT may grant. @internal */
export const allScopes = ["username", "email", "friendly_name", "restricted", "anonymous", "joinedAt"] as const

let jose: Promise<Jose> | undefined

/** jose, imported once. @internal */
export const loadJose = (): Promise<Jose> => (jose ??= import("jose"))

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("")

/**
 * The `kid` of a device key: the hex SHA-256 of the private key bytes followed
 * by the public ones (`d` and `x`, base64url, both already checked to be 32
 * bytes), as python-plexapi and @ctrl/plex compute it.
 *
 * @internal
 */
export const keyId = (privateKey: Redacted.Redacted<string>, x: string): Effect.Effect<string> =>
  Effect.promise(async () => {
    const { base64url } = await loadJose()
    const d = base64url.decode(Redacted.value(privateKey))
    const bytes = new Uint8Array(d.length + 32)
    bytes.set(d)
    bytes.set(base64url.decode(x), d.length)
    return hex(await crypto.subtle.digest("SHA-256", bytes))
  })

/** What signing needs of a device key (`Jwt.DeviceKey`). @internal */
export interface SigningKey {
  readonly kid: string
  readonly publicJwk: { readonly kty: string; readonly crv: string; readonly x: string }
  readonly privateKey: Redacted.Redacted<string>
}

// Importing a JWK costs a WebCrypto call; a key signs many JWTs.
const imported = new WeakMap<SigningKey, Promise<CryptoKey>>()

const signingKey = (key: SigningKey): Promise<CryptoKey> => {
  let found = imported.get(key)
  if (found === undefined) {
    found = loadJose().then((j) =>
      j.importJWK({ ...key.publicJwk, d: Redacted.value(key.privateKey) }, "EdDSA") as Promise<CryptoKey>
    )
    imported.set(key, found)
  }
  return found
}

/** What a device JWT claims besides `iss`, `aud`, `iat` and `exp`. @internal */
export interface DeviceClaims {
  readonly nonce?: string | undefined
  readonly scope: string
}

/** How long a device JWT lives. @internal */
export const deviceJwtLifetime = 5 * 60 * 1000

/** `GET {clients}/auth/nonce`: a nonce for a device JWT, valid 5 minutes. @internal */
export const fetchNonce: () => Effect.Effect<string, CommonError, HttpClient.HttpClient | PlexCredentials> = run<
  void,
  { readonly nonce: string },
  string,
  CommonError
>({
  name: "getJwtNonce",
  target: "clients",
  method: "GET",
  path: "/auth/nonce",
  token: "never",
  success: Schema.Struct({ nonce: Schema.NonEmptyString }),
  extract: (body) => body.nonce
})

/** A device JWT valid for 5 minutes from `nowMillis`, signed EdDSA with `kid` in its header. @internal */
export const sign = (
  operation: string,
  key: SigningKey,
  clientIdentifier: string,
  claims: DeviceClaims,
  nowMillis: number
): Effect.Effect<string, InvalidInput> =>
  Effect.tryPromise({
    try: async () => {
      const j = await loadJose()
      const iat = Math.floor(nowMillis / 1000)
      const payload = claims.nonce === undefined
        ? { scope: claims.scope }
        : { nonce: claims.nonce, scope: claims.scope }
      return new j.SignJWT(payload)
        .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "JWT" })
        .setIssuer(clientIdentifier)
        .setAudience("plex.tv")
        .setIssuedAt(iat)
        .setExpirationTime(iat + deviceJwtLifetime / 1000)
        .sign(await signingKey(key))
    },
    catch: () => new InvalidInput({ operation, field: "key", reason: "is not a usable Ed25519 private key" })
  })
