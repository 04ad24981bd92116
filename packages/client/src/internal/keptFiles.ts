/**
 * Files this library keeps of its own (the client identifier, the device key):
 * where they go (`$XDG_CONFIG_HOME`, else `~/.config`), and what to say when
 * the system will not have them.
 *
 * @internal
 */
import type { PlatformError } from "@effect/platform/Error"
import * as Path from "@effect/platform/Path"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** The directory kept files go under: `options.directory`, else `<config home>/<appName>`. @internal */
export const keptDirectory = (
  options: { readonly appName?: string | undefined; readonly directory?: string | undefined }
) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    if (options.directory !== undefined) return options.directory
    const xdg = yield* Config.option(Config.nonEmptyString("XDG_CONFIG_HOME"))
    const home = yield* Config.option(Config.nonEmptyString("HOME"))
    const configHome = Option.getOrElse(xdg, () => path.join(Option.getOrElse(home, () => "."), ".config"))
    return path.join(configHome, options.appName ?? "effect-plex")
  })

/** What the system said, in one line: its reason, and its description when it gave one. @internal */
export const describePlatformError = (error: PlatformError): string =>
  error._tag === "SystemError"
    ? `${error.reason}${error.description === undefined ? "" : ` (${error.description})`}`
    : error.message
