/**
 * Plex's `errors[]` as `PlexErrorDetail`s: read by the core
 * (`@effect-plex/core/ErrorBody`), with each field an `Option`.
 *
 * @internal
 */
import { type ErrorDetail, parseErrorDetails as parse } from "@effect-plex/core/ErrorBody"
import * as Option from "effect/Option"
import { PlexErrorDetail } from "../PlexError.js"

const toDetail = (detail: ErrorDetail) =>
  new PlexErrorDetail({
    code: Option.fromNullable(detail.code),
    message: Option.fromNullable(detail.message),
    status: Option.fromNullable(detail.status)
  })

/** @internal */
export const parseErrorDetails = (text: string): Array<PlexErrorDetail> => parse(text).map(toDetail)
