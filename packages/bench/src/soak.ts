/**
 * `npm run soak`: 20,000 getTokenDetails calls, 256 in flight, against the
 * loopback fake, with 1 % injected faults (among them a gzip bomb, a server
 * echoing the token, a body that breaks off). It prints throughput, errors by
 * tag and the heap before and after (after GC), and fails unless:
 * - no failure is untyped (a defect, a thrown exception, an interruption);
 * - every injected fault comes back as exactly its typed error;
 * - no error's message, JSON or inspection holds the token;
 * - the heap grows by less than 10 MB;
 * - a gzip bomb over fetch is BodyError(TooLarge), with peak RSS under 100 MB above the baseline.
 */
import * as PlexCredentials from "@effect-plex/client/PlexCredentials"
import { BodyError } from "@effect-plex/client/PlexError"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import * as PlexFake from "@effect-plex/testing/PlexFake"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Cause, Effect, Exit, Layer, Redacted } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as util from "node:util"
import * as zlib from "node:zlib"

const calls = 20_000
const concurrency = 256
const faultEvery = 100
const warmUpCalls = 2_000
const maxHeapGrowth = 10 * 1024 * 1024

const faults: ReadonlyArray<readonly [PlexFake.Fault, string]> = [
  [PlexFake.Faults.status(503), "UnexpectedStatus"],
  [PlexFake.Faults.status(429, { retryAfter: "1" }), "RateLimited"],
  [PlexFake.Faults.malformedBody, "BodyError(MalformedJson)"],
  [PlexFake.Faults.emptyBody, "BodyError(Empty)"],
  [PlexFake.Faults.htmlBody, "BodyError(NotJson)"],
  [PlexFake.Faults.drop, "TransportError"],
  // Undici hands over the gzip bytes as they came, so the bomb is BodyError(NotJson) here.
  [PlexFake.Faults.gzipBomb, "BodyError(NotJson)"],
  [PlexFake.Faults.echo, "Unauthorized"],
  [PlexFake.Faults.breakBody, "TransportError"]
]

// A failure by its tag, and a BodyError by its reason too.
const outcome = (error: { readonly _tag: string }) =>
  error instanceof BodyError ? `BodyError(${error.reason})` : error._tag

const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) throw new Error("run with node --expose-gc")
  for (let i = 0; i < 3; i++) collect()
  return process.memoryUsage().heapUsed
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

const maxBombRss = 100 * 1024 * 1024

/**
 * One call over FetchHttpClient to a server answering with a gzip bomb: 64
 * gzip members of 16 MiB of spaces, about 1 MB on the wire and 1 GiB
 * inflated. Returns the typed error and the peak RSS above the baseline.
 */
const gzipBomb = Effect.gen(function*() {
  const member = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20))
  const bomb = Buffer.concat(Array.from({ length: 64 }, () => member))
  const server = http.createServer((_, res) => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-encoding": "gzip",
      "content-length": bomb.length
    })
    res.end(bomb)
  })
  yield* Effect.acquireRelease(
    Effect.async<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
    () => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
  )
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`
  gc()
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2)
  const exit = yield* Effect.exit(
    getTokenDetails().pipe(
      Effect.provide(
        Layer.merge(
          FetchHttpClient.layer,
          PlexCredentials.layer({ clientIdentifier: "soak", token: "t", plexTvUrl: url })
        )
      )
    )
  )
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  const tag = Exit.isFailure(exit)
    ? Cause.failureOption(exit.cause).pipe((o) => o._tag === "Some" ? outcome(o.value) : "untyped")
    : "success"
  return { wire: bomb.length, tag, growth: peak - baseline }
})

const program = Effect.gen(function*() {
  const fake = yield* PlexFake.serve({ journalLimit: 100 })
  const token = yield* fake.issueToken("demo")
  const layer = Layer.merge(
    NodeHttpClient.layerUndici,
    PlexCredentials.layer({ clientIdentifier: "soak", token, plexTvUrl: fake.plexTvUrl })
  )
  const tally = new Map<string, number>()
  const expected = new Map<string, number>()
  let untyped = 0
  let leaks = 0
  const secret = Redacted.value(token)
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

  const call = (i: number, record: boolean) =>
    Effect.gen(function*() {
      if (record && i % faultEvery === faultEvery / 2) {
        const [fault, tag] = faults[(i / faultEvery | 0) % faults.length]!
        count(expected, tag)
        yield* fake.inject("user", fault, { times: 1 })
      }
      const exit = yield* Effect.exit(getTokenDetails())
      if (!record) return
      if (Exit.isSuccess(exit)) return count(tally, "success")
      const failure = Cause.failureOption(exit.cause)
      if (failure._tag === "Some") {
        count(tally, outcome(failure.value))
        const shown = failure.value.message + JSON.stringify(failure.value) + util.inspect(failure.value, { depth: 5 })
        if (shown.includes(secret)) leaks++
      } else untyped++
    })

  const run = (n: number, record: boolean) =>
    Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => call(i, record), { concurrency, discard: true }).pipe(
      Effect.provide(layer)
    )

  yield* run(warmUpCalls, false)
  const heapBefore = gc()
  const started = performance.now()
  yield* run(calls, true)
  const seconds = (performance.now() - started) / 1000
  const heapAfter = gc()

  const errors = [...tally].filter(([tag]) => tag !== "success")
  const injected = [...expected.values()].reduce((a, b) => a + b, 0)
  const accounted = [...expected].every(([tag, n]) => tally.get(tag) === n) &&
    errors.reduce((a, [, n]) => a + n, 0) === injected
  const growth = heapAfter - heapBefore
  const bomb = yield* gzipBomb

  console.log(`soak: ${calls} calls, ${concurrency} in flight, 1 fault per ${faultEvery} calls, loopback fake, undici`)
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`)
  console.log(`throughput: ${(calls / seconds).toFixed(0)} calls/s (${seconds.toFixed(2)} s)`)
  console.log(`successes: ${tally.get("success") ?? 0}`)
  console.log(`errors by tag: ${errors.map(([tag, n]) => `${tag} ${n}`).join(", ") || "none"}`)
  console.log(`injected faults: ${[...expected].map(([tag, n]) => `${tag} ${n}`).join(", ")} (${injected} in all)`)
  console.log(`untyped failures: ${untyped}`)
  console.log(`errors holding the token: ${leaks}`)
  console.log(`heap after GC: before ${mb(heapBefore)}, after ${mb(heapAfter)}, growth ${mb(growth)}`)
  console.log(
    `gzip bomb over FetchHttpClient (${mb(bomb.wire)} on the wire, 1 GiB inflated): ${bomb.tag}, peak RSS +${
      mb(bomb.growth)
    }`
  )
  const checks = [
    ["zero untyped failures", untyped === 0],
    ["every injected fault accounted for", accounted],
    ["no error holds the token", leaks === 0],
    ["heap growth under 10 MB", growth < maxHeapGrowth],
    [
      "a gzip bomb is BodyError(TooLarge), with peak RSS under 100 MB above the baseline",
      bomb.tag === "BodyError(TooLarge)" && bomb.growth < maxBombRss
    ]
  ] as const
  for (const [name, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"} ${name}`)
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
