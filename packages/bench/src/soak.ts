/**
 * `npm run soak`: 20,000 getTokenDetails calls, 256 in flight, against the
 * loopback fake, with 1 % injected faults. It prints throughput, errors by
 * tag and the heap before and after (after GC), and fails unless:
 * - no failure is untyped (a defect, a thrown exception, an interruption);
 * - every injected fault comes back as exactly its typed error;
 * - the heap grows by less than 10 MB.
 */
import { PlexCredentials } from "@effect-plex/client/PlexCredentials"
import { getTokenDetails } from "@effect-plex/client/TokenDetails"
import * as PlexFake from "@effect-plex/testing/PlexFake"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Cause, Effect, Exit, Layer } from "effect"
import * as os from "node:os"

const calls = 20_000
const concurrency = 256
const faultEvery = 100
const warmUpCalls = 2_000
const maxHeapGrowth = 10 * 1024 * 1024

const faults: ReadonlyArray<readonly [PlexFake.Fault, string]> = [
  [PlexFake.Faults.status(503), "UnexpectedStatus"],
  [PlexFake.Faults.status(429, { retryAfter: "1" }), "RateLimited"],
  [PlexFake.Faults.malformedBody, "MalformedJson"],
  [PlexFake.Faults.emptyBody, "EmptyBody"],
  [PlexFake.Faults.htmlBody, "NonJsonBody"],
  [PlexFake.Faults.drop, "TransportError"]
]

const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) throw new Error("run with node --expose-gc")
  for (let i = 0; i < 3; i++) collect()
  return process.memoryUsage().heapUsed
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

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
      if (failure._tag === "Some") count(tally, failure.value._tag)
      else untyped++
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

  console.log(`soak: ${calls} calls, ${concurrency} in flight, 1 fault per ${faultEvery} calls, loopback fake, undici`)
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`)
  console.log(`throughput: ${(calls / seconds).toFixed(0)} calls/s (${seconds.toFixed(2)} s)`)
  console.log(`successes: ${tally.get("success") ?? 0}`)
  console.log(`errors by tag: ${errors.map(([tag, n]) => `${tag} ${n}`).join(", ") || "none"}`)
  console.log(`injected faults: ${[...expected].map(([tag, n]) => `${tag} ${n}`).join(", ")} (${injected} in all)`)
  console.log(`untyped failures: ${untyped}`)
  console.log(`heap after GC: before ${mb(heapBefore)}, after ${mb(heapAfter)}, growth ${mb(growth)}`)
  const checks = [
    ["zero untyped failures", untyped === 0],
    ["every injected fault accounted for", accounted],
    ["heap growth under 10 MB", growth < maxHeapGrowth]
  ] as const
  for (const [name, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"} ${name}`)
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
