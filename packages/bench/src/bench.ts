/**
 * `npm run bench`: the loopback Plex in its own process, each client in its
 * own process, in alternating rounds; prints the medians of the rounds as
 * markdown tables with ratios, and writes them as JSON.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { fileURLToPath } from "node:url"
import { clients } from "./clients.js"
import { median } from "./stats.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3)
const names = Object.keys(clients)

interface Measures {
  readonly medianUs: number
  readonly p99Us: number
  readonly perSecond64: number
}
interface Result {
  readonly name: string
  readonly tokenDetails: Measures
  readonly signIn: Measures
  readonly memoryPer1000InFlightMB: number
}

const server = spawn(process.execPath, [path.join(here, "server.js")], { stdio: ["ignore", "pipe", "inherit"] })
const urls: { fast: string; slow: string; bodyBytes: number } = await new Promise((resolve) =>
  readline.createInterface({ input: server.stdout }).once("line", (line) => resolve(JSON.parse(line)))
)

const runWorker = (name: string) =>
  new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", path.join(here, "worker.js"), name, urls.fast, urls.slow], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (d) => (out += d))
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${name} exited ${code}`))))
  })

const results: Record<string, Array<Result>> = Object.fromEntries(names.map((n) => [n, []]))
for (let round = 0; round < rounds; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]!)
  for (const name of order) {
    process.stderr.write(`round ${round + 1}/${rounds}: ${name}\n`)
    results[name]!.push(await runWorker(name))
  }
}
server.kill("SIGTERM")

const summary = Object.fromEntries(names.map((name) => {
  const rs = results[name]!
  const pick = (op: "tokenDetails" | "signIn") => ({
    medianUs: median(rs.map((r) => r[op].medianUs)),
    p99Us: median(rs.map((r) => r[op].p99Us)),
    perSecond64: median(rs.map((r) => r[op].perSecond64))
  })
  return [name, { tokenDetails: pick("tokenDetails"), signIn: pick("signIn"), memoryPer1000InFlightMB: median(rs.map((r) => r.memoryPer1000InFlightMB)) }]
}))

const undiciRaw = "undici.request + JSON.parse"
const plexjs = "plexjs 0.39.0"
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

const table = (op: "tokenDetails" | "signIn") => {
  const lines = [
    "| client | 1 at a time: median µs | p99 µs | 64 in flight: calls/s | × undici.request | × plexjs |" +
      (op === "tokenDetails" ? " heap per 1,000 in flight |" : ""),
    "| --- | --: | --: | --: | --: | --: |" + (op === "tokenDetails" ? " --: |" : "")
  ]
  for (const name of names) {
    const m = summary[name]![op]
    lines.push(
      `| ${name} | ${fmt(m.medianUs)} | ${fmt(m.p99Us)} | ${fmt(m.perSecond64)} | ${fmt(m.perSecond64 / summary[undiciRaw]![op].perSecond64, 2)} | ${
        fmt(m.perSecond64 / summary[plexjs]![op].perSecond64, 2)
      } |` + (op === "tokenDetails" ? ` ${fmt(summary[name]!.memoryPer1000InFlightMB, 1)} MB |` : "")
    )
  }
  return lines.join("\n")
}

const ratio = (a: number, b: number) => a / b
const targets = [
  ["effect-plex + undici ≥ 0.8× undici.request throughput (64 in flight)", ratio(summary["effect-plex + NodeHttpClient.layerUndici"]!.tokenDetails.perSecond64, summary[undiciRaw]!.tokenDetails.perSecond64), (r: number) => r >= 0.8],
  ["effect-plex + FetchHttpClient ≤ 1.3× raw fetch median latency", ratio(summary["effect-plex + FetchHttpClient"]!.tokenDetails.medianUs, summary["fetch + JSON.parse"]!.tokenDetails.medianUs), (r: number) => r <= 1.3],
  ["effect-plex + undici ≥ 3× plexjs throughput (64 in flight)", ratio(summary["effect-plex + NodeHttpClient.layerUndici"]!.tokenDetails.perSecond64, summary[plexjs]!.tokenDetails.perSecond64), (r: number) => r >= 3]
] as const

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`
console.log(`\n## getTokenDetails (${urls.bodyBytes}-byte user body, decoded), medians of ${rounds} rounds\n\n${table("tokenDetails")}`)
console.log(`\n## signIn (form POST, 201 with the same body), medians of ${rounds} rounds\n\n${table("signIn")}`)
console.log(`\n## Targets\n`)
for (const [label, value, ok] of targets) console.log(`- ${ok(value) ? "met" : "MISSED"}: ${label}: ${fmt(value, 2)}×`)
console.log(`\nMachine: ${machine}`)

const out = path.join(here, "..", "results")
fs.mkdirSync(out, { recursive: true })
const file = path.join(out, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`)
fs.writeFileSync(file, JSON.stringify({ machine, rounds, bodyBytes: urls.bodyBytes, summary, results }, null, 2))
console.log(`Results: ${path.relative(process.cwd(), file)}`)
