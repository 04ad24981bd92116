/**
 * The plex.tv account (`UserPlexAccount`), as returned by `GET /user` and by
 * sign-in.
 *
 * Decoding follows what real servers send rather than the spec's `required`
 * lists: only `id`, `uuid` and `authToken` must be present. Every other field
 * that is missing or `null` decodes to `Option.none()`, booleans with a spec
 * default fall back to it, lists default to `[]`, and enums stay open.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import {
  BoolLike,
  boolWithDefault,
  IntLike,
  listOf,
  NonEmptySecret,
  openIntEnum,
  openStringEnum,
  optionalOption,
  Secret,
  Timestamp
} from "./internal/schemas.js"

const id = (name: string) => `@effect-plex/client/${name}`

/**
 * `profile` of an account: audio and subtitle preferences.
 *
 * The integer settings are open enums: the documented values are listed, and
 * any other integer decodes unchanged.
 * - `autoSelectSubtitle`: 0 manually selected, 1 shown with foreign audio, 2 always enabled
 * - `defaultSubtitleAccessibility`: 0 prefer non-SDH, 1 prefer SDH, 2 only SDH, 3 only non-SDH
 * - `defaultSubtitleForced`: 0 prefer non-forced, 1 prefer forced, 2 only forced, 3 only non-forced
 * - `watchedIndicator`: 0 none, 1 movies and TV shows, 2 movies, 3 TV shows
 * - `mediaReviewsVisibility`: 0 no one, 1 critics only, 2 Plex users only, 3 Plex users and critics
 * - `defaultAudioAccessibility`: 0 prefer non-accessibility, 1 prefer, 2 only, 3 only non-accessibility
 *
 * @since 0.1.0
 * @category schemas
 */
export class UserProfile extends Schema.Class<UserProfile>(id("UserProfile"))({
  autoSelectAudio: boolWithDefault(true),
  defaultAudioLanguage: optionalOption(Schema.String),
  defaultSubtitleLanguage: optionalOption(Schema.String),
  autoSelectSubtitle: optionalOption(openIntEnum(0, 1, 2)),
  defaultSubtitleAccessibility: optionalOption(openIntEnum(0, 1, 2, 3)),
  defaultSubtitleForced: optionalOption(openIntEnum(0, 1, 2, 3)),
  watchedIndicator: optionalOption(openIntEnum(0, 1, 2, 3)),
  mediaReviewsVisibility: optionalOption(openIntEnum(0, 1, 2, 3)),
  defaultAudioAccessibility: optionalOption(openIntEnum(0, 1, 2, 3)),
  defaultAudioLanguages: optionalOption(Schema.Array(Schema.String)),
  defaultSubtitleLanguages: optionalOption(Schema.Array(Schema.String)),
  mediaReviewsLanguages: optionalOption(Schema.Array(Schema.String))
}) {}

/**
 * An entry of `services[]`. Its `token` and `secret` are credentials, so they
 * decode as `Redacted`; real responses often leave both out.
 *
 * @since 0.1.0
 * @category schemas
 */
export class Service extends Schema.Class<Service>(id("Service"))({
  identifier: Schema.String,
  endpoint: optionalOption(Schema.String),
  token: optionalOption(Secret),
  secret: optionalOption(Secret),
  status: optionalOption(openStringEnum("online", "offline"))
}) {}

/**
 * `subscription`: the account's Plex Pass state. `features` are free-form
 * strings (e.g. `"hardware_transcoding"`, `"Sync v3"`).
 *
 * @since 0.1.0
 * @category schemas
 */
export class Subscription extends Schema.Class<Subscription>(id("Subscription"))({
  active: boolWithDefault(false),
  subscribedAt: optionalOption(Timestamp),
  status: optionalOption(openStringEnum("Inactive", "Active")),
  paymentService: optionalOption(Schema.String),
  plan: optionalOption(Schema.String),
  features: listOf(Schema.String)
}) {}

/**
 * An entry of `subscriptions[]` or `pastSubscriptions[]`. Real items have the
 * billing shape (`mode`, `type`, `state`, …), which the spec does not describe;
 * both shapes decode, with what is absent as `Option.none()`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class SubscriptionRecord extends Schema.Class<SubscriptionRecord>(id("SubscriptionRecord"))({
  id: optionalOption(Schema.Union(Schema.String, Schema.Number)),
  mode: optionalOption(Schema.String),
  type: optionalOption(Schema.String),
  state: optionalOption(openStringEnum("active", "ended")),
  renewsAt: optionalOption(Timestamp),
  endsAt: optionalOption(Timestamp),
  transfer: optionalOption(Schema.String),
  canceled: optionalOption(BoolLike),
  active: optionalOption(BoolLike),
  status: optionalOption(Schema.String),
  plan: optionalOption(Schema.String),
  subscribedAt: optionalOption(Timestamp),
  paymentService: optionalOption(Schema.String),
  features: listOf(Schema.String)
}) {}

/**
 * A plex.tv account. `authToken` is the account token, as `Redacted`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class UserPlexAccount extends Schema.Class<UserPlexAccount>(id("UserPlexAccount"))({
  id: IntLike,
  uuid: Schema.NonEmptyString,
  authToken: NonEmptySecret,
  username: optionalOption(Schema.String),
  title: optionalOption(Schema.String),
  email: optionalOption(Schema.String),
  friendlyName: optionalOption(Schema.String),
  thumb: optionalOption(Schema.String),
  locale: optionalOption(Schema.String),
  country: optionalOption(Schema.String),
  joinedAt: optionalOption(Timestamp),
  rememberExpiresAt: optionalOption(Timestamp),
  adsConsent: optionalOption(BoolLike),
  adsConsentSetAt: optionalOption(Timestamp),
  adsConsentReminderAt: optionalOption(Timestamp),
  anonymous: boolWithDefault(false),
  backupCodesCreated: boolWithDefault(false),
  confirmed: boolWithDefault(false),
  emailOnlyAuth: boolWithDefault(false),
  experimentalFeatures: boolWithDefault(false),
  guest: boolWithDefault(false),
  hasPassword: boolWithDefault(true),
  home: boolWithDefault(false),
  homeAdmin: boolWithDefault(false),
  mailingListActive: boolWithDefault(false),
  protected: boolWithDefault(false),
  restricted: boolWithDefault(false),
  twoFactorEnabled: boolWithDefault(false),
  homeSize: optionalOption(IntLike),
  maxHomeSize: optionalOption(IntLike),
  mailingListStatus: optionalOption(openStringEnum("active", "unsubscribed", "removed")),
  scrobbleTypes: optionalOption(Schema.String),
  subscriptionDescription: optionalOption(Schema.String),
  attributionPartner: optionalOption(Schema.String),
  /** Hashed Plex Home PIN: a secret, hence `Redacted`. */
  pin: optionalOption(Secret),
  entitlements: listOf(Schema.String),
  roles: listOf(Schema.String),
  profile: optionalOption(UserProfile),
  services: listOf(Service),
  subscription: optionalOption(Subscription),
  subscriptions: listOf(SubscriptionRecord),
  pastSubscriptions: listOf(SubscriptionRecord),
  trials: listOf(Schema.Unknown)
}) {}
