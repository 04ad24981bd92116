/**
 * The core on its own, with plain vitest and no Effect: what both editions
 * build their status errors, error details and requests from.
 */
import { hasPlexCode, parseErrorDetails } from "@effect-plex/core/ErrorBody"
import { isPrivateAddress } from "@effect-plex/core/Network"
import { retryAfterMillis } from "@effect-plex/core/RetryAfter"
import { scrub, withheld } from "@effect-plex/core/Secrets"
import { statusKind } from "@effect-plex/core/Status"
import { encodeParams } from "@effect-plex/core/Wire"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "vitest"

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src")

describe("@effect-plex/core", () => {
  it("imports nothing of Effect, in any module", () => {
    const files = fs.readdirSync(src, { recursive: true }).map(String).filter((f) => f.endsWith(".ts"))
    assert.isAbove(files.length, 10)
    for (const file of files) {
      assert.notMatch(fs.readFileSync(path.join(src, file), "utf8"), /from "(effect|@effect\/)/, file)
    }
  })

  it("reads Plex's error bodies in JSON, XML and plain text; a wrongly typed entry is left out", () => {
    assert.deepStrictEqual(parseErrorDetails(`{"errors":[{"code":1029,"message":"Code required","status":401}]}`), [
      { code: 1029, message: "Code required", status: 401 }
    ])
    assert.deepStrictEqual(parseErrorDetails(`<errors><error code="1041" message="A &amp; B"/></errors>`), [
      { code: 1041, message: "A & B" }
    ])
    assert.deepStrictEqual(parseErrorDetails(`{"error":"Thumbprint Already Taken"}`), [
      { message: "Thumbprint Already Taken" }
    ])
    assert.deepStrictEqual(parseErrorDetails(`{"errors":[{"code":"x"},{"code":"12","message":null}]}`), [{ code: 12 }])
    assert.deepStrictEqual(parseErrorDetails("<html><body>502</body></html>"), [])
    assert.isTrue(hasPlexCode(parseErrorDetails(`{"errors":[{"code":1031}]}`), 1031))
  })

  it("maps statuses to the kinds callers act on; 422 is Unauthorized only for Plex's 'Invalid token'", () => {
    assert.deepStrictEqual(
      [400, 401, 403, 498, 429, 500].map((status) => statusKind(status, [])),
      ["BadRequest", "Unauthorized", "Unauthorized", "TokenExpired", "RateLimited", "UnexpectedStatus"]
    )
    assert.strictEqual(statusKind(422, [{ message: "Invalid token." }]), "Unauthorized")
    assert.strictEqual(statusKind(422, [{ message: "Unprocessable" }]), "UnexpectedStatus")
  })

  it("Retry-After in seconds or as an HTTP-date, never negative", () => {
    const now = Date.parse("2026-12-03T12:00:00Z")
    assert.strictEqual(retryAfterMillis(" 7 ", now), 7000)
    assert.strictEqual(retryAfterMillis("Thu, 03 Dec 2026 12:00:30 GMT", now), 30_000)
    assert.strictEqual(retryAfterMillis("Thu, 03 Dec 2026 11:00:00 GMT", now), 0)
    assert.isUndefined(retryAfterMillis("soon", now))
    assert.isUndefined(retryAfterMillis(undefined, now))
  })

  it("encodes parameters once, refusing empty values and lone surrogates by name", () => {
    assert.strictEqual(encodeParams([["login", "a b+c"], ["password", "ü&="]]), "login=a%20b%2Bc&password=%C3%BC%26%3D")
    assert.deepStrictEqual(encodeParams([["code", ""]]), { field: "code", reason: "is empty" })
    assert.deepStrictEqual(encodeParams([["pin", "\ud800"]]), {
      field: "pin",
      reason: "contains an unpaired UTF-16 surrogate"
    })
  })

  it("withholds a text holding a secret in any spelling a server might echo", () => {
    for (const echo of ["tok en/ü", "tok%20en%2F%C3%BC", "tok+en%2f%c3%bc", "tok en\\/\\u00fc".replace("\\/", "/")]) {
      assert.strictEqual(scrub(`bad token ${echo}`, ["tok en/ü"]), withheld, echo)
    }
    assert.strictEqual(scrub("nothing here", ["tok en/ü"]), "nothing here")
  })

  it("private addresses: loopback, RFC 1918 and plex.direct names of them; not link-local", () => {
    assert.isTrue(isPrivateAddress("http://192-168-1-10.abc.plex.direct:32400"))
    assert.isTrue(isPrivateAddress("http://[::1]:32400"))
    assert.isFalse(isPrivateAddress("http://169.254.169.254"))
    assert.isFalse(isPrivateAddress("not a url"))
  })
})
