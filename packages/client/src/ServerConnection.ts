/**
 * Reaching a discovered server: probe all of its connections at once, and
 * keep the best one that answers.
 *
 * A probe asks a connection's `/identity` with the identity headers (so the
 * owner gets no "new device" notification) and without any token: an address
 * in a resource list is only the server's on the owner's own network, and
 * elsewhere it may be anyone's. A connection counts only when the
 * `machineIdentifier` it answers with is the resource's `clientIdentifier`,
 * and the token then goes to that one connection alone. After the first
 * answer, a short grace window lets a better connection win: local over
 * remote over relay, https over http. The losing probes are interrupted.
 *
 * Over plain http nothing proves who answers: the identity check keeps the
 * token from a stranger that happens to hold the address, not from one who
 * knows the server's identifier and imitates it. https connections
 * (`*.plex.direct`) are proven by their certificate.
 *
 * @since 0.1.0
 */
import * as Network from "@effect-plex/core/Network"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { currentAttemptTimeout } from "./internal/attempt.js"
import { run } from "./internal/pipeline.js"
import { forServer, type InvalidCredentials, PlexCredentials, withToken } from "./PlexCredentials.js"
import { CandidateFailure, type CommonError, NoConnection } from "./PlexError.js"
import type { Resource, ResourceConnection } from "./Resource.js"

/**
 * What one probe found.
 *
 * @since 0.1.0
 * @category models
 */
export interface Probe {
  readonly connection: ResourceConnection
  /** How long the answer took; `none` if it failed or was cut short. */
  readonly latency: Option.Option<Duration.Duration>
  /** Why it failed; `none` if it answered, or was interrupted after another won. */
  readonly failure: Option.Option<string>
}

/**
 * A server reached through its best connection, with credentials for it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectedServer {
  readonly resource: Resource
  readonly connection: ResourceConnection
  readonly probes: ReadonlyArray<Probe>
  /** `PlexCredentials` for this server: its URL and its access token. Provide it to run PMS operations there. */
  readonly credentials: Layer.Layer<PlexCredentials>
}

/**
 * Options of `connect`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectOptions {
  /** How long to wait for a better connection after the first answers. Default 250 ms. */
  readonly graceWindow?: Duration.DurationInput | undefined
  /** How long one probe may take. Default 5 seconds. */
  readonly probeTimeout?: Duration.DurationInput | undefined
  /**
   * Also use plain-http connections to addresses that are not private, with
   * the token in the clear. Default false: they are left out (see
   * `isPrivateAddress`), and listed with that reason if nothing answers.
   */
  readonly allowInsecure?: boolean | undefined
}

/**
 * Whether a connection's host is private: loopback (`127.0.0.0/8`, `::1`,
 * `localhost`), RFC 1918 (`10/8`, `172.16/12`, `192.168/16`), or a
 * `*.plex.direct` name that encodes one of these
 * (`192-168-1-10.<hash>.plex.direct`). Only over these does `connect` use a
 * plain-http connection. Link-local addresses (`169.254/16`, `fe80::/10`) are
 * not: no Plex server is configured there, and `169.254.169.254` is a cloud
 * host's metadata service.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isPrivateAddress: (uri: string) => boolean = Network.isPrivateAddress

// At most this many probes are in flight at once, best-ranked first.
const maxProbesInFlight = 16

/** Lower is better: local, then remote, then relay; https before http. @internal */
const rank = (connection: ResourceConnection) =>
  (connection.relay ? 4 : connection.local ? 0 : 2) + (connection.uri.startsWith("https:") ? 0 : 1)

const operation = "connect"

// One connection's `/identity`: PMS answers it without a token, and the
// identity headers make the owner see a known device.
const probeIdentity: (uri: string) => Effect.Effect<string, CommonError, HttpClient.HttpClient | PlexCredentials> = run(
  {
    name: "probe",
    target: "url",
    method: "GET",
    path: (uri: string) => `${uri.replace(/\/+$/, "")}/identity`,
    token: "never",
    success: Schema.Struct({ MediaContainer: Schema.Struct({ machineIdentifier: Schema.String }) }),
    extract: (body) => body.MediaContainer.machineIdentifier
  }
)

const probe = (connection: ResourceConnection, machineIdentifier: string) =>
  URL.canParse(connection.uri)
    ? probeIdentity(connection.uri).pipe(
      Effect.mapError((error) => error.message),
      Effect.filterOrFail(
        (answered) => answered === machineIdentifier,
        () => "answered as another server: its machineIdentifier is not this resource's clientIdentifier"
      )
    )
    : Effect.fail("not a valid URI")

/**
 * Probes every connection of `resource` and yields the best that answers.
 * Fails with `NoConnection`, listing each candidate's reason, when none does.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { getResources, isServer } from "@effect-plex/client/Resource"
 * import { connect } from "@effect-plex/client/ServerConnection"
 * import { getTransientToken } from "@effect-plex/client/TransientToken"
 *
 * const program = Effect.gen(function*() {
 *   const [server] = (yield* getResources()).filter(isServer)
 *   const connected = yield* connect(server!)
 *   return yield* getTransientToken().pipe(Effect.provide(connected.credentials))
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const connect = (
  resource: Resource,
  options: ConnectOptions = {}
): Effect.Effect<ConnectedServer, NoConnection | InvalidCredentials, HttpClient.HttpClient | PlexCredentials> =>
  Effect.gen(function*() {
    const connections = resource.connections
    // The resource's own token if it lists one, else ours, for the chosen
    // connection alone; checked before anything is sent, since it comes
    // from a server's answer.
    const credentials = yield* PlexCredentials
    const token = Option.orElse(resource.accessToken, () => credentials.token)
    if (Option.isSome(token)) yield* withToken(token.value)(Effect.void)
    const probeTimeout = Duration.decode(options.probeTimeout ?? "5 seconds")
    const usable = (connection: ResourceConnection) =>
      options.allowInsecure === true || !Network.isPlainHttp(connection.uri) || isPrivateAddress(connection.uri)
    const best = Math.min(...connections.filter(usable).map(rank))
    const probes: Array<Probe> = connections.map((connection) => ({
      connection,
      latency: Option.none(),
      failure: usable(connection)
        ? Option.none()
        : Option.some("plain http to an address that is not private: left out unless allowInsecure")
    }))
    const permits = yield* Effect.makeSemaphore(maxProbesInFlight)
    const answered = yield* Deferred.make<void>()
    const settled = yield* Deferred.make<void>()
    const order = connections.map((connection, i) => ({ connection, i }))
      .filter(({ connection }) => usable(connection))
      .sort((a, b) => rank(a.connection) - rank(b.connection))
    let pending = order.length
    if (pending === 0) yield* Deferred.succeed(settled, undefined)
    const start = yield* Clock.currentTimeMillis
    const fibers = yield* Effect.forEach(
      order,
      ({ connection, i }) =>
        probe(connection, resource.clientIdentifier).pipe(
          Effect.locally(currentAttemptTimeout, probeTimeout),
          permits.withPermits(1),
          Effect.matchEffect({
            onFailure: (reason) =>
              Effect.sync(() => {
                probes[i] = { ...probes[i]!, failure: Option.some(reason) }
              }),
            onSuccess: () =>
              Effect.flatMap(Clock.currentTimeMillis, (now) => {
                probes[i] = { ...probes[i]!, latency: Option.some(Duration.millis(now - start)) }
                return Deferred.succeed(answered, undefined)
              })
          }),
          Effect.ensuring(Effect.suspend(() => --pending === 0 ? Deferred.succeed(settled, undefined) : Effect.void)),
          Effect.fork
        )
    )
    yield* Effect.raceFirst(Deferred.await(answered), Deferred.await(settled))
    const winners = () => probes.filter((p) => Option.isSome(p.latency))
    if (!winners().some((p) => rank(p.connection) === best)) {
      yield* Effect.raceFirst(Effect.sleep(options.graceWindow ?? "250 millis"), Deferred.await(settled))
    }
    yield* Fiber.interruptAll(fibers)
    const chosen = winners().sort((a, b) => rank(a.connection) - rank(b.connection))[0]
    if (chosen === undefined) {
      return yield* new NoConnection({
        operation,
        server: Option.getOrElse(resource.name, () => resource.clientIdentifier),
        candidates: probes.map((p) =>
          new CandidateFailure({ uri: p.connection.uri, reason: Option.getOrElse(p.failure, () => "no answer") })
        )
      })
    }
    const service = yield* forServer({ serverUrl: chosen.connection.uri, token: Option.getOrUndefined(token) })
    return {
      resource,
      connection: chosen.connection,
      probes: [...probes],
      credentials: Layer.succeed(PlexCredentials, service)
    }
  }).pipe(Effect.withSpan("plex.connect"))
