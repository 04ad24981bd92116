/**
 * The devices and servers of an account (`PlexDevice`), as listed by plex.tv
 * `GET /resources`.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { run } from "./internal/pipeline.js"
import {
  boolWithDefault,
  IntLike,
  itemsOf,
  listOf,
  NonEmptySecret,
  openStringEnum,
  optionalOption,
  Timestamp
} from "./internal/schemas.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import type { CommonError, MissingCredential } from "./PlexError.js"

/**
 * One way to reach a resource. Connect with `uri`, not `address`: recorded
 * responses show the two can disagree.
 *
 * @since 0.1.0
 * @category schemas
 */
export class ResourceConnection extends Schema.Class<ResourceConnection>("@effect-plex/client/ResourceConnection")({
  uri: Schema.String,
  protocol: optionalOption(openStringEnum("http", "https")),
  address: optionalOption(Schema.String),
  port: optionalOption(IntLike),
  local: boolWithDefault(false),
  relay: boolWithDefault(false),
  IPv6: boolWithDefault(false)
}) {}

/**
 * A device or server. `accessToken` is the token for this resource, which
 * for a shared server differs from the account token.
 *
 * @since 0.1.0
 * @category schemas
 */
export class Resource extends Schema.Class<Resource>("@effect-plex/client/Resource")({
  clientIdentifier: Schema.String,
  name: optionalOption(Schema.String),
  product: optionalOption(Schema.String),
  productVersion: optionalOption(Schema.String),
  platform: optionalOption(Schema.String),
  platformVersion: optionalOption(Schema.String),
  device: optionalOption(Schema.String),
  createdAt: optionalOption(Timestamp),
  lastSeenAt: optionalOption(Timestamp),
  /** Comma-separated roles, e.g. `server` or `client,player`. */
  provides: optionalOption(Schema.String),
  /** `none` when the token's own account owns it. */
  ownerId: optionalOption(IntLike),
  sourceTitle: optionalOption(Schema.String),
  publicAddress: optionalOption(Schema.String),
  accessToken: optionalOption(NonEmptySecret),
  owned: boolWithDefault(false),
  home: boolWithDefault(false),
  synced: boolWithDefault(false),
  relay: boolWithDefault(false),
  presence: boolWithDefault(false),
  httpsRequired: boolWithDefault(false),
  publicAddressMatches: boolWithDefault(false),
  dnsRebindingProtection: boolWithDefault(false),
  natLoopbackSupported: boolWithDefault(false),
  connections: listOf(ResourceConnection)
}) {}

/**
 * Options of `getResources`. Each is sent as 0/1.
 *
 * @since 0.1.0
 * @category models
 */
export interface GetResourcesRequest {
  /** Include https (plex.direct) connections. Default true. */
  readonly includeHttps?: boolean | undefined
  /** Include relay connections. Default true. */
  readonly includeRelay?: boolean | undefined
  /** Include IPv6 connections. Default false. */
  readonly includeIPv6?: boolean | undefined
}

const bit = (value: boolean) => (value ? "1" : "0")

/**
 * `GET {plex.tv}/resources`: the servers and devices the token can see, each
 * with its connections and access token. A device that does not decode (a
 * `clientIdentifier` of `null`, say) is left out with a warning, as a field
 * that does not decode is; the others are returned.
 *
 * @since 0.1.0
 * @category operations
 */
export const getResources: (
  request?: GetResourcesRequest
) => Effect.Effect<ReadonlyArray<Resource>, CommonError | MissingCredential, HttpClient.HttpClient | PlexCredentials> =
  run({
    name: "getResources",
    target: "plex.tv",
    method: "GET",
    path: "/resources",
    token: "required",
    query: (request: GetResourcesRequest = {}) => [
      ["includeHttps", bit(request.includeHttps ?? true)],
      ["includeRelay", bit(request.includeRelay ?? true)],
      ["includeIPv6", bit(request.includeIPv6 ?? false)]
    ],
    // One device Plex lists badly must not hide the rest.
    success: itemsOf(Resource)
  })

/**
 * Whether a resource is a Plex Media Server (`provides` includes `server`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isServer = (resource: Resource): boolean =>
  Option.exists(resource.provides, (provides) => provides.split(",").map((p) => p.trim()).includes("server"))
