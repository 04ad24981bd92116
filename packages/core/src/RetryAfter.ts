/**
 * `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 *
 * @internal
 */

/** How long `header` asks to wait, in milliseconds from `nowMillis`; `undefined` when it says nothing usable. @internal */
export const retryAfterMillis = (header: string | undefined, nowMillis: number): number | undefined => {
  if (header === undefined) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMillis)
}
