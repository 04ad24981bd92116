/** How a call failed, as tests compare it: the tag, with a `BodyError`'s reason (`BodyError(NotJson)`). */
export const outcome = (error: { readonly _tag: string; readonly reason?: unknown }): string =>
  error._tag === "BodyError" ? `BodyError(${String(error.reason)})` : error._tag
