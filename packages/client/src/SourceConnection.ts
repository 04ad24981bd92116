/**
 * `getSourceConnectionInformation`: how to reach a source a Plex Media Server
 * knows (a shared server or a cloud provider), with a transient token for it.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { run } from "./internal/pipeline.js"
import { NonEmptySecret, oneOrMany, optionalOption } from "./internal/schemas.js"
import type { PlexCredentials } from "./PlexCredentials.js"
import type { CommonError, InvalidInput, MissingCredential } from "./PlexError.js"
import { ResourceConnection } from "./Resource.js"

/**
 * One way to reach the source: the same shape as a resource's connections.
 * Connect with `uri`: recorded responses show `address` and `uri` can disagree.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SourceConnection = ResourceConnection

/**
 * @since 0.1.0
 * @category schemas
 */
export type SourceConnection = ResourceConnection

/**
 * The source's `Device`: its identity, a transient `accessToken` for it (as
 * `Redacted`), and its connections.
 *
 * @since 0.1.0
 * @category schemas
 */
export class SourceDevice extends Schema.Class<SourceDevice>("@effect-plex/client/SourceDevice")({
  clientIdentifier: Schema.String,
  accessToken: NonEmptySecret,
  name: optionalOption(Schema.String),
  connections: Schema.optionalWith(oneOrMany(SourceConnection), { nullable: true, default: () => [] }).pipe(
    Schema.fromKey("Connection")
  )
}) {}

/**
 * The body of `/security/resources`: one or more `Device`s inside the
 * `MediaContainer` (a lone one is not wrapped in a list).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SourceDeviceContainer = Schema.Struct({
  MediaContainer: Schema.Struct({ Device: oneOrMany(SourceDevice).pipe(Schema.minItems(1)) })
})

/**
 * @since 0.1.0
 * @category models
 */
export interface GetSourceConnectionInformationRequest {
  /** The source with its prefix: `server://<machineIdentifier>` or `provider://<providerIdentifier>`. */
  readonly source: string
}

/**
 * @since 0.1.0
 * @category errors
 */
export type GetSourceConnectionInformationError = CommonError | MissingCredential | InvalidInput

/**
 * `GET {server}/security/resources?source=…`. Needs an admin token, or a
 * transient token made from one, and PMS 1.15.4 or later.
 *
 * @since 0.1.0
 * @category operations
 */
export const getSourceConnectionInformation: (
  request: GetSourceConnectionInformationRequest
) => Effect.Effect<
  SourceDevice,
  GetSourceConnectionInformationError,
  HttpClient.HttpClient | PlexCredentials
> = run({
  name: "getSourceConnectionInformation",
  target: "server",
  method: "GET",
  path: "/security/resources",
  token: "required",
  query: (request: GetSourceConnectionInformationRequest) => [["source", request.source]],
  success: SourceDeviceContainer,
  extract: (body) => body.MediaContainer.Device[0]!
})
