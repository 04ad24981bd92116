/**
 * What an operation says about itself, once. The pipeline runs any of these;
 * nothing else about an operation is written anywhere.
 *
 * @internal
 */
import type { Params } from "@effect-plex/core/Wire"
import type * as Schema from "effect/Schema"
import type { PlexError, StatusError } from "../PlexError.js"

/**
 * `plex.tv`, `clients` (clients.plex.tv, the JWT endpoints) and `server` are
 * the bases in `PlexCredentials`; with `url`, the path is the whole URL (a
 * discovered server's connection).
 *
 * @internal
 */
export type Target = "plex.tv" | "clients" | "server" | "url"

/** @internal */
export interface Description<In, S, A> {
  /** The operation's name, on its span (`plex.<name>`) and on its errors. */
  readonly name: string
  readonly target: Target
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly path: string | ((input: In) => string)
  /** `required`: fail with `MissingCredential` without one; `never`: sent without, even when one is configured. */
  readonly token: "required" | "optional" | "never"
  /** Query parameters; each must be non-empty and well-formed Unicode. */
  readonly query?: ((input: In) => Params) | undefined
  /** A form body, checked like the query. */
  readonly form?: ((input: In) => Params) | undefined
  /** Identity headers this operation sends differently (linking a code is done as `Plex SSO`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** A JSON body (the JWT endpoints take JSON). */
  readonly json?: ((input: In) => unknown) | undefined
  /** Secrets of the input besides the token (a password), kept out of every error text. */
  readonly secrets?: ((input: In) => ReadonlyArray<string | undefined>) | undefined
  /** The success body's schema; without one, the body is read and ignored. */
  readonly success?: Schema.Schema<S, any, never> | undefined
  /**
   * How to read a 2xx body in XML, for an answer that must not be lost (a
   * sign-in's token): the object the schema then decodes, or `undefined`
   * when the XML is not such an answer. Without it, XML is a `BodyError` (`NotJson`).
   */
  readonly xml?: ((text: string) => unknown) | undefined
  /** The value handed out, taken from the decoded body (e.g. from its `MediaContainer`). */
  readonly extract?: ((decoded: S) => A) | undefined
  /** Turns a status error into the operation's own (1029, 1031 on sign-in; 404 on a PIN). */
  readonly refine?: ((error: StatusError, input: In) => PlexError | undefined) | undefined
  /** `false` when repeating the request after it may have reached Plex is unsafe (sign-in). */
  readonly idempotent?: false | undefined
}
