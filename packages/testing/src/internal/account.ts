/**
 * Fake accounts, and the full `UserPlexAccount` body plex.tv sends for one:
 * every field of the spec and of recorded responses, not a stub.
 *
 * @internal
 */

/** @internal */
export interface AccountSpec {
  readonly username: string
  readonly email: string
  readonly password: string
  readonly id: number
  readonly uuid: string
  readonly title: string
  readonly verificationCode: string | undefined
  readonly serverAdmin: boolean
  readonly plexPass: boolean
}

const passFeatures = ["hardware_transcoding", "pass", "sync", "lyrics", "webhooks", "two-factor-authentication", "Sync v3"]
const freeFeatures = ["Android - PiP", "CU Sunset", "exclude restrictions", "two-factor-authentication"]

const services = [
  { identifier: "metadata-dev", endpoint: "https://epg.provider.plex.tv", token: null, secret: null, status: "online" },
  { identifier: "eyeq-channel-icons", endpoint: "https://images.plex.tv", token: null, secret: null, status: "online" },
  { identifier: "tmsapi", endpoint: "https://tmsapi.plex.tv", token: null, secret: null, status: "online" }
]

/** @internal */
export const userBody = (account: AccountSpec, authToken: string, nowSeconds: number) => ({
  id: account.id,
  uuid: account.uuid,
  username: account.username,
  title: account.title,
  email: account.email,
  friendlyName: account.title,
  locale: null,
  confirmed: true,
  joinedAt: 1339124759,
  emailOnlyAuth: false,
  hasPassword: true,
  protected: false,
  thumb: `https://plex.tv/users/${account.uuid}/avatar?c=${nowSeconds}`,
  authToken,
  mailingListStatus: "active",
  mailingListActive: false,
  scrobbleTypes: "",
  country: "US",
  subscription: account.plexPass
    ? { active: true, subscribedAt: "2021-10-01T01:02:03Z", status: "Active", paymentService: "braintree", plan: "lifetime", features: passFeatures }
    : { active: false, subscribedAt: null, status: "Inactive", paymentService: null, plan: null, features: freeFeatures },
  subscriptionDescription: account.plexPass ? "Lifetime Plex Pass" : null,
  restricted: false,
  anonymous: null,
  home: false,
  guest: false,
  homeSize: 1,
  homeAdmin: account.serverAdmin,
  maxHomeSize: 15,
  rememberExpiresAt: nowSeconds + 14 * 24 * 3600,
  profile: {
    autoSelectAudio: true,
    defaultAudioLanguage: "en",
    defaultSubtitleLanguage: "en",
    autoSelectSubtitle: 0,
    defaultSubtitleAccessibility: 0,
    defaultSubtitleForced: 0,
    watchedIndicator: 1,
    mediaReviewsVisibility: 0
  },
  entitlements: account.plexPass ? ["all"] : [],
  roles: account.plexPass ? ["plexpass"] : [],
  services,
  adsConsent: null,
  adsConsentSetAt: null,
  adsConsentReminderAt: null,
  experimentalFeatures: false,
  twoFactorEnabled: account.verificationCode !== undefined,
  backupCodesCreated: false,
  attributionPartner: null,
  subscriptions: account.plexPass
    ? [{ id: null, mode: "lifetime", renewsAt: null, endsAt: null, type: "plexpass", transfer: null, state: "active" }]
    : [],
  pastSubscriptions: [],
  trials: []
})
