/**
 * Operation names that other modules act on.
 *
 * @internal
 */

/**
 * Sign-in is not idempotent in effect: each failed attempt counts towards
 * Plex's IP lock-out, so retry policies treat it apart.
 *
 * @internal
 */
export const signInOperation = "postUsersSignInData"
