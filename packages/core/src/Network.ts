/**
 * Which addresses count as private, for deciding whether a plain-http
 * connection may carry a token.
 *
 * @internal
 */

const privateIPv4 = (address: string): boolean => {
  const parts = address.split(".").map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false
  const [a, b] = parts as [number, number, number, number]
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
}

/**
 * Whether a connection's host is private: loopback (`127.0.0.0/8`, `::1`,
 * `localhost`), RFC 1918 (`10/8`, `172.16/12`, `192.168/16`), or a
 * `*.plex.direct` name that encodes one of these
 * (`192-168-1-10.<hash>.plex.direct`). Link-local addresses (`169.254/16`,
 * `fe80::/10`) are not: no Plex server is configured there, and
 * `169.254.169.254` is a cloud host's metadata service.
 *
 * @internal
 */
export const isPrivateAddress = (uri: string): boolean => {
  if (!URL.canParse(uri)) return false
  const host = new URL(uri).hostname.toLowerCase().replace(/^\[|\]$/g, "")
  if (host === "localhost" || host === "::1") return true
  if (host.endsWith(".plex.direct")) return privateIPv4(host.split(".")[0]!.replace(/-/g, "."))
  return privateIPv4(host)
}

/** Whether `uri` is plain http, where a token would travel in the clear. @internal */
export const isPlainHttp = (uri: string): boolean => URL.canParse(uri) && new URL(uri).protocol === "http:"
