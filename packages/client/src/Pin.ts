/**
 * The plex.tv PIN (`AuthPinContainer`) of the PIN login flow: created by
 * `POST /pins`, polled with `GET /pins/{id}` until `authToken` is set.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { boolWithDefault, IntLike, optionalOption, Secret, StringLike, Timestamp } from "./internal/schemas.js"

/**
 * Where plex.tv thinks the client is. Keys keep their wire (snake_case) names.
 *
 * @since 0.1.0
 * @category schemas
 */
export class PinLocation extends Schema.Class<PinLocation>("@effect-plex/client/PinLocation")({
  code: optionalOption(Schema.String),
  continent_code: optionalOption(Schema.String),
  country: optionalOption(Schema.String),
  city: optionalOption(Schema.String),
  time_zone: optionalOption(Schema.String),
  postal_code: optionalOption(StringLike),
  subdivisions: optionalOption(Schema.String),
  coordinates: optionalOption(Schema.String),
  european_union_member: boolWithDefault(false),
  in_privacy_restricted_country: boolWithDefault(false),
  in_privacy_restricted_region: boolWithDefault(false)
}) {}

/**
 * A PIN. `authToken` is `Option.none()` until the user approves it.
 *
 * @since 0.1.0
 * @category schemas
 */
export class Pin extends Schema.Class<Pin>("@effect-plex/client/Pin")({
  id: IntLike,
  code: Schema.String,
  product: optionalOption(Schema.String),
  trusted: boolWithDefault(false),
  qr: optionalOption(Schema.String),
  clientIdentifier: optionalOption(Schema.String),
  location: optionalOption(PinLocation),
  expiresIn: optionalOption(IntLike),
  createdAt: optionalOption(Timestamp),
  expiresAt: optionalOption(Timestamp),
  authToken: optionalOption(Secret),
  newRegistration: optionalOption(Schema.Boolean)
}) {}
