/**
 * One client in its own process: warm up, then measure getTokenDetails and
 * signIn one at a time (median and p99 latency) and 64 in flight (calls per
 * second), and the heap held by 1,000 calls in flight. Prints one JSON line.
 */
import { clients } from "./clients.js"
import { median, quantile } from "./stats.js"

const [name, fast, slow] = process.argv.slice(2) as [string, string, string]
const make = clients[name]
if (make === undefined) throw new Error(`unknown client ${name}`)

const gc = () => {
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed
}

const sequential = async (call: () => Promise<unknown>, n: number) => {
  const samples: Array<number> = []
  for (let i = 0; i < n; i++) {
    const start = performance.now()
    await call()
    samples.push((performance.now() - start) * 1000)
  }
  return { medianUs: median(samples), p99Us: quantile(samples, 0.99) }
}

const inFlight = async (call: () => Promise<unknown>, n: number, concurrency: number) => {
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) await call()
  }))
  return n / ((performance.now() - start) / 1000)
}

const client = make(fast)
await inFlight(client.tokenDetails, 2000, 64)
await sequential(client.tokenDetails, 300)
await inFlight(client.signIn, 500, 64)

const result = {
  name,
  tokenDetails: {
    ...(await sequential(client.tokenDetails, 1500)),
    perSecond64: await inFlight(client.tokenDetails, 5000, 64)
  },
  signIn: { ...(await sequential(client.signIn, 800)), perSecond64: await inFlight(client.signIn, 3000, 64) },
  memoryPer1000InFlightMB: 0
}
await client.close()

// Calls held in flight by the slow server: what 1,000 of them keep alive.
const held = make(slow)
await inFlight(held.tokenDetails, 200, 64)
const before = gc()
const running = Promise.all(Array.from({ length: 1000 }, () => held.tokenDetails()))
await new Promise((resolve) => setTimeout(resolve, 120))
const during = gc()
await running
result.memoryPer1000InFlightMB = (during - before) / 1024 / 1024
await held.close()

process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
