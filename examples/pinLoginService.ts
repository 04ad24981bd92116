/**
 * A small web service that signs its users in to Plex with the PIN flow and
 * keeps their tokens on the server: the browser only ever holds a session
 * cookie.
 *
 * - `POST /login` creates a PIN and answers with the Auth App link to open.
 * - `GET /login/status` asks plex.tv once whether the PIN was approved; when
 *   it was, the token is kept in the session.
 * - `GET /me` answers with the signed-in account's name, using that token.
 *
 * Plex's PIN endpoints answer browsers with CORS errors, so this is where the
 * flow belongs: on a server.
 */
import * as Pin from "@effect-plex/client/Pin"
import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { Effect, Option, type Redacted } from "effect"

interface Session {
  pin: Option.Option<Pin.Pin>
  token: Option.Option<Redacted.Redacted<string>>
}

// Sessions live in this process; a real service would keep them in a store.
const sessions = new Map<string, Session>()

const session = Effect.map(
  HttpServerRequest.HttpServerRequest,
  (request) => Option.fromNullable(sessions.get(request.cookies["sid"] ?? ""))
)

const unauthorized = HttpServerResponse.json({ error: "no session: POST /login first" }, { status: 401 })

export const router = HttpRouter.empty.pipe(
  HttpRouter.post(
    "/login",
    Effect.gen(function*() {
      const pin = yield* Pin.createPin()
      const url = yield* Pin.authAppUrl(pin)
      const id = crypto.randomUUID()
      sessions.set(id, { pin: Option.some(pin), token: Option.none() })
      return yield* HttpServerResponse.json(
        { url },
        { headers: { "set-cookie": `sid=${id}; HttpOnly; SameSite=Lax; Path=/` } }
      )
    })
  ),
  HttpRouter.get(
    "/login/status",
    Effect.gen(function*() {
      const found = yield* session
      if (Option.isNone(found)) return yield* unauthorized
      const current = found.value
      if (Option.isSome(current.token)) return yield* HttpServerResponse.json({ signedIn: true })
      if (Option.isNone(current.pin)) return yield* unauthorized
      const pin = yield* Pin.getPin(current.pin.value.id)
      if (Option.isSome(pin.authToken)) {
        current.token = pin.authToken
        current.pin = Option.none()
      }
      return yield* HttpServerResponse.json({ signedIn: Option.isSome(current.token) })
    })
  ),
  HttpRouter.get(
    "/me",
    Effect.gen(function*() {
      const found = yield* session
      if (Option.isNone(found) || Option.isNone(found.value.token)) return yield* unauthorized
      const account = yield* getTokenDetails().pipe(PlexCredentials.withToken(found.value.token.value))
      return yield* HttpServerResponse.json({ username: Option.getOrNull(account.username) })
    })
  ),
  // Plex's failures become a 502 that says which operation failed, never a token.
  HttpRouter.catchAll((error) =>
    HttpServerResponse.json(
      { error: "message" in error ? String(error.message) : "failed" },
      { status: 502 }
    )
  )
)
