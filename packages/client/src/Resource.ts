/**
 * The devices and servers of an account (`PlexDevice`), as listed by plex.tv
 * `GET /resources`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import {
  boolWithDefault,
  IntLike,
  listOf,
  openStringEnum,
  optionalOption,
  Secret,
  Timestamp
} from "./internal/schemas.js"

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
  accessToken: optionalOption(Secret),
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
