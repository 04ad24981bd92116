/**
 * effect-plex: Plex authentication as composable Effects.
 *
 * Each module can also be imported on its own, e.g.
 * `@effect-plex/client/TokenDetails`, so a bundler keeps only what is used.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Decoding from "./Decoding.js"

/** @since 0.1.0 */
export * as PlexCredentials from "./PlexCredentials.js"

/** @since 0.1.0 */
export * as PlexError from "./PlexError.js"

/** @since 0.1.0 */
export * as Retry from "./Retry.js"

/** @since 0.1.0 */
export * as SignIn from "./SignIn.js"

/** @since 0.1.0 */
export * as SourceConnection from "./SourceConnection.js"

/** @since 0.1.0 */
export * as TokenDetails from "./TokenDetails.js"

/** @since 0.1.0 */
export * as TransientToken from "./TransientToken.js"

/** @since 0.1.0 */
export * as UserPlexAccount from "./UserPlexAccount.js"

/** @since 0.1.0 */
export * as Pin from "./Pin.js"

/** @since 0.1.0 */
export * as Resource from "./Resource.js"

/** @since 0.1.0 */
export * as ClientIdentity from "./ClientIdentity.js"

/** @since 0.1.0 */
export * as ServerConnection from "./ServerConnection.js"

/** @since 0.1.0 */
export * as TokenLifecycle from "./TokenLifecycle.js"

/** @since 0.2.0 */
export * as Jwt from "./Jwt.js"

/** @since 0.2.0 */
export * as KeyStore from "./KeyStore.js"

/** @since 0.2.0 */
export * as KeptFile from "./KeptFile.js"

/** @since 0.2.0 */
export * as Home from "./Home.js"
