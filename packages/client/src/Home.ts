/**
 * Plex Home: the users of one account's household (managed users, family
 * members), and switching to one of them to act as that person with a token
 * of their own.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Home from "@effect-plex/client/Home"
 * import { getTokenDetails } from "@effect-plex/client/TokenDetails"
 *
 * // Who each member is, as that member.
 * const everyone = Effect.gen(function*() {
 *   const users = yield* Home.getUsers()
 *   return yield* Effect.forEach(users.filter((u) => !u.protected), (user) =>
 *     Effect.flatMap(Home.switchUser(user), (switched) =>
 *       getTokenDetails().pipe(Effect.provide(switched.credentials))))
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { run } from "./internal/pipeline.js"
import { boolWithDefault, IntLike, itemsOf, optionalOption } from "./internal/schemas.js"
import { reveal } from "./internal/secrets.js"
import { hasPlexCode } from "./internal/status.js"
import { type InvalidCredentials, PlexCredentials, withToken } from "./PlexCredentials.js"
import { type CommonError, HomePinRequired, type InvalidInput, type MissingCredential } from "./PlexError.js"
import { UserPlexAccount } from "./UserPlexAccount.js"

/**
 * One user of a Plex Home, as `GET /home/users` lists them.
 *
 * @since 0.2.0
 * @category schemas
 */
export class HomeUser extends Schema.Class<HomeUser>("@effect-plex/client/HomeUser")({
  id: IntLike,
  /** What `switchUser` takes. */
  uuid: Schema.NonEmptyString,
  title: optionalOption(Schema.String),
  /** `none` for a managed user. */
  username: optionalOption(Schema.String),
  /** `none` for a managed user. */
  email: optionalOption(Schema.String),
  friendlyName: optionalOption(Schema.String),
  thumb: optionalOption(Schema.String),
  hasPassword: boolWithDefault(false),
  restricted: boolWithDefault(false),
  /** The Home's admin: the account that owns it. */
  admin: boolWithDefault(false),
  guest: boolWithDefault(false),
  /** The profile has a PIN: `switchUser` needs it. */
  protected: boolWithDefault(false)
}) {}

/**
 * Errors of `getUsers`.
 *
 * @since 0.2.0
 * @category errors
 */
export type GetUsersError = CommonError | MissingCredential

/**
 * `GET {plex.tv}/home/users`: the users of the Home the token's account is
 * in, its admin included. A user that does not decode is left out with a
 * warning; the others are returned.
 *
 * @since 0.2.0
 * @category operations
 */
export const getUsers: () => Effect.Effect<
  ReadonlyArray<HomeUser>,
  GetUsersError,
  HttpClient.HttpClient | PlexCredentials
> = run({
  name: "getHomeUsers",
  target: "plex.tv",
  method: "GET",
  path: "/home/users",
  token: "required",
  success: Schema.Struct({ users: itemsOf(HomeUser) }),
  extract: (body) => body.users
})

/**
 * Options of `switchUser`.
 *
 * @since 0.2.0
 * @category models
 */
export interface SwitchOptions {
  /** The profile's PIN, when it has one (`HomeUser.protected`). Kept out of every error, log and span. */
  readonly pin?: Redacted.Redacted<string> | string | undefined
}

/**
 * Errors of `switchUser`.
 *
 * @since 0.2.0
 * @category errors
 */
export type SwitchError = CommonError | MissingCredential | InvalidInput | HomePinRequired | InvalidCredentials

/**
 * A Home user switched to: their account, and credentials with their token,
 * ready to provide.
 *
 * @since 0.2.0
 * @category models
 */
export interface SwitchedUser {
  readonly account: UserPlexAccount
  /** The current `PlexCredentials` with this user's token. */
  readonly credentials: Layer.Layer<PlexCredentials>
}

const pinOf = (options: SwitchOptions) => options.pin === undefined ? undefined : reveal(options.pin)

const postSwitch = run<
  { readonly uuid: string; readonly options: SwitchOptions },
  UserPlexAccount,
  UserPlexAccount,
  CommonError | MissingCredential | InvalidInput | HomePinRequired
>({
  name: "switchHomeUser",
  target: "plex.tv",
  method: "POST",
  path: ({ uuid }) => `/home/users/${encodeURIComponent(uuid)}/switch`,
  token: "required",
  query: ({ options }) => {
    const pin = pinOf(options)
    return pin === undefined ? [] : [["pin", pin]]
  },
  secrets: ({ options }) => [pinOf(options)],
  success: UserPlexAccount,
  // plex.tv answers a missing or wrong PIN with 403 and code 1041.
  refine: (error) =>
    (error.status === 403 || error.status === 401) && hasPlexCode(error, 1041)
      ? new HomePinRequired({ operation: error.operation, status: error.status, errors: error.errors })
      : undefined
})

/**
 * `POST {plex.tv}/home/users/{uuid}/switch`: becomes a Home user, with the
 * profile's PIN when it has one, and hands back their account and
 * credentials with their own token. A missing or wrong PIN is
 * `HomePinRequired`; switching to many users quickly meets `RateLimited`.
 *
 * @since 0.2.0
 * @category operations
 */
export const switchUser = (
  user: HomeUser | string,
  options: SwitchOptions = {}
): Effect.Effect<SwitchedUser, SwitchError, HttpClient.HttpClient | PlexCredentials> =>
  Effect.gen(function*() {
    const account = yield* postSwitch({ uuid: typeof user === "string" ? user : user.uuid, options })
    const credentials = yield* withToken(account.authToken)(PlexCredentials)
    return { account, credentials: Layer.succeed(PlexCredentials, credentials) }
  }).pipe(Effect.withSpan("plex.switchUser"))
