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

// A Plex Pass account's features and services, as a recorded plex.tv response
// lists them (test-data/real-world/plextv-user.plexpass.plex-api-rs.json).
const passFeatures = [
  "webhooks",
  "camera_upload",
  "home",
  "pass",
  "dvr",
  "trailers",
  "session_bandwidth_restrictions",
  "music_videos",
  "content_filter",
  "adaptive_bitrate",
  "sync",
  "lyrics",
  "cloudsync",
  "premium_music_metadata",
  "hardware_transcoding",
  "session_kick",
  "photos-metadata-edition",
  "collections",
  "radio",
  "tuner-sharing",
  "photos-favorites",
  "hwtranscode",
  "photosV6-tv-albums",
  "photosV6-edit",
  "federated-auth",
  "item_clusters",
  "livetv",
  "Android - PiP",
  "photos-v5",
  "podcasts",
  "livetv-platform-specific",
  "type-first",
  "unsupportedtuners",
  "kevin-bacon",
  "live-tv-channels-grid",
  "Subtitles on Demand",
  "web-log-viewer",
  "client-radio-stations",
  "imagga-v2",
  "silence-removal",
  "boost-voices",
  "volume-leveling",
  "sweet-fades",
  "sleep-timer",
  "TREBLE-show-features",
  "web_server_dashboard",
  "visualizers",
  "chromecast-music-mp",
  "premium-dashboard",
  "conan_redirect_qa",
  "conan_redirect_alpha",
  "conan_redirect_beta",
  "conan_redirect_public",
  "save-to-library",
  "nominatim",
  "transcoder_cache",
  "live-tv-support-incomplete-segments",
  "dvr-block-unsupported-countries",
  "companions_sonos",
  "users-and-sharing",
  "web-share-v2",
  "sonos-client-feature",
  "artist-tv",
  "allow_dvr",
  "music_preview",
  "signin_notification",
  "singleitemsharing",
  "exclude restrictions",
  "vod",
  "signin_with_apple",
  "drm_support",
  "metadata",
  "tunefind-clients",
  "Android - Dolby Vision",
  "parental-controls",
  "epg-recent-channels",
  "spring_serve_ad_provider",
  "lets_encrypt",
  "conan_redirect_nightlies",
  "conan_redirect_nightly",
  "vod_subtitles",
  "watchlist",
  "create_anonymous_users",
  "retro-games",
  "web-desktop-v4-home",
  "web-desktop-v4-pre-plays",
  "intro-markers",
  "client-non-destructive-comskip",
  "web-desktop-live-tv-chromecast-remote-player",
  "web-desktop-v4-dvr-setup",
  "watch-together-20200520",
  "watch-together-invite",
  "spotlight-style-hub",
  "Sync v3",
  "tunefind-vod",
  "live-tv-on-plex-subtitles",
  "ios14-privacy-banner",
  "two-factor-authentication",
  "amazon-loop-debug",
  "retro-games-plex-tv",
  "two-factor-authentication-clients",
  "vod_cloudflare",
  "global-continue-watching",
  "grandfather-sync",
  "downloads-gating",
  "optimize-server-users-endpoint",
  "web-desktop-gracenote-banner",
  "metadata_search",
  "CU Sunset",
  "news-provider-sunset-modal",
  "custom-home-removal",
  "bypass-web-navbar-upsell-modal",
  "music-analysis",
  "album-types",
  "ad-countdown-timer",
  "guided-upgrade",
  "upgrade-3ds2"
]

const freeFeatures = ["Android - PiP", "CU Sunset", "exclude restrictions", "two-factor-authentication"]

const services = [
  { identifier: "epg", endpoint: "https://epg.provider.plex.tv", token: null, secret: null, status: "online" },
  {
    identifier: "epg-staging",
    endpoint: "https://epg-staging.provider.plex.tv",
    token: null,
    secret: null,
    status: "online"
  },
  { identifier: "epg-dev", endpoint: "https://epg-dev.provider.plex.tv", token: null, secret: null, status: "online" },
  {
    identifier: "eyeq",
    endpoint: "https://c4412416.ipg.web.cddbp.net/webapi/xml/1.0/",
    token: null,
    secret: null,
    status: "online"
  },
  {
    identifier: "eyeq-channel-icons",
    endpoint: "http://akamai-b.cdn.cddbp.net/cds/2.0/image",
    token: null,
    secret: null,
    status: "online"
  },
  {
    identifier: "graph-dev",
    endpoint: "https://graph-dev.provider.plex.tv",
    token: null,
    secret: null,
    status: "online"
  },
  {
    identifier: "graph-staging",
    endpoint: "https://graph-staging.provider.plex.tv",
    token: null,
    secret: null,
    status: "online"
  },
  { identifier: "imagga-v2", endpoint: "https://api.imagga.com/v2", token: null, secret: null, status: "online" },
  { identifier: "nominatim", endpoint: "https://locationiq.org/v1", token: null, secret: null, status: "online" },
  {
    identifier: "metadata",
    endpoint: "https://metadata.provider.plex.tv",
    token: null,
    secret: null,
    status: "online"
  },
  {
    identifier: "metadata-dev",
    endpoint: "https://metadata-dev.provider.plex.tv",
    token: null,
    secret: null,
    status: "online"
  },
  { identifier: "metadata-provider", endpoint: "https://mpm.plex.tv/", token: null, secret: null, status: "online" },
  { identifier: "tmsapi", endpoint: "https://tmsapi.plex.tv/v1.1/", token: null, secret: null, status: "online" },
  {
    identifier: "subtitles-search",
    endpoint: "https://metadata.provider.plex.tv/library/metadata/matches",
    token: null,
    secret: null,
    status: "online"
  },
  { identifier: "acoustid", endpoint: "https://acoustid.plex.tv/", token: null, secret: null, status: "online" },
  { identifier: "lyricfind", endpoint: "https://lyricfind.plex.tv/", token: null, secret: null, status: "online" },
  {
    identifier: "lyricfind-search",
    endpoint: "https://lyricfind.plex.tv/",
    token: null,
    secret: null,
    status: "online"
  },
  { identifier: "tvdb", endpoint: "https://api4.thetvdb.com/", token: null, secret: null, status: "online" }
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
    ? {
      active: true,
      subscribedAt: "2021-10-01T01:02:03Z",
      status: "Active",
      paymentService: "braintree",
      plan: "lifetime",
      features: passFeatures
    }
    : {
      active: false,
      subscribedAt: null,
      status: "Inactive",
      paymentService: null,
      plan: null,
      features: freeFeatures
    },
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
