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
import { accountBody } from "./accountBody.js"
import { clients, rows } from "./clients.js"
import { measureDecoding } from "./decode.js"
import { median } from "./stats.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3)
// BENCH_CLIENTS="effect-plex,floor" keeps the clients whose names contain one
// of these, and the two every ratio is also taken against (undici, plexjs).
const only = (process.env["BENCH_CLIENTS"] ?? "").split(",").filter((part) => part !== "")
const names = Object.keys(clients).filter((name) =>
  only.length === 0 || name === rows.undici || name === rows.plexjs || only.some((part) => name.includes(part))
)

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
  return [name, {
    tokenDetails: pick("tokenDetails"),
    signIn: pick("signIn"),
    memoryPer1000InFlightMB: median(rs.map((r) => r.memoryPer1000InFlightMB))
  }]
}))

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

// Each effect-plex row is compared with the platform client it runs on.
const floorOf: Record<string, string> = {
  [rows.plexFetch]: rows.floorFetch,
  [rows.plexUndici]: rows.floorUndici,
  [rows.floorFetch]: rows.floorFetch,
  [rows.floorUndici]: rows.floorUndici
}

const table = (op: "tokenDetails" | "signIn") => {
  const heap = op === "tokenDetails"
  const lines = [
    "| client | 1 at a time: median µs | p99 µs | 64 in flight: calls/s | × its floor | × undici.request | × plexjs |" +
    (heap ? " heap per 1,000 in flight |" : ""),
    "| --- | --: | --: | --: | --: | --: | --: |" + (heap ? " --: |" : "")
  ]
  for (const name of names) {
    const m = summary[name]![op]
    const floor = floorOf[name]
    lines.push(
      `| ${name} | ${fmt(m.medianUs)} | ${fmt(m.p99Us)} | ${fmt(m.perSecond64)} | ${
        floor === undefined ? "" : fmt(m.perSecond64 / summary[floor]![op].perSecond64, 2)
      } | ${fmt(m.perSecond64 / summary[rows.undici]![op].perSecond64, 2)} | ${
        fmt(m.perSecond64 / summary[rows.plexjs]![op].perSecond64, 2)
      } |` + (heap ? ` ${fmt(summary[name]!.memoryPer1000InFlightMB, 1)} MB |` : "")
    )
  }
  return lines.join("\n")
}

const decoding = measureDecoding(await accountBody())

type Target = readonly [label: string, value: number, goal: string, met: boolean]
const throughput = (row: string, floor: string, op: "tokenDetails" | "signIn"): Target => {
  const value = summary[row]![op].perSecond64 / summary[floor]![op].perSecond64
  return [`${op}, 64 in flight: ${row} throughput ÷ its floor's`, value, "≥ 0.85", value >= 0.85]
}
const latency = (row: string, floor: string, op: "tokenDetails" | "signIn"): Target => {
  const value = summary[row]![op].medianUs / summary[floor]![op].medianUs
  return [`${op}, 1 at a time: ${row} median latency ÷ its floor's`, value, "≤ 1.15", value <= 1.15]
}
const memory = (row: string, floor: string): Target => {
  const value = summary[row]!.memoryPer1000InFlightMB / summary[floor]!.memoryPer1000InFlightMB
  return [`heap per 1,000 in flight: ${row} ÷ its floor's`, value, "≤ 1.25", value <= 1.25]
}
const decodeRatio = decoding.tolerantUs / decoding.parseUs
const measured = (...needed: ReadonlyArray<string>) => needed.every((name) => summary[name] !== undefined)
const allTargets = (): ReadonlyArray<Target> => [
  ...(["tokenDetails", "signIn"] as const).flatMap((op) => [
    throughput(rows.plexUndici, rows.floorUndici, op),
    throughput(rows.plexFetch, rows.floorFetch, op),
    latency(rows.plexUndici, rows.floorUndici, op),
    latency(rows.plexFetch, rows.floorFetch, op)
  ]),
  memory(rows.plexUndici, rows.floorUndici),
  memory(rows.plexFetch, rows.floorFetch),
  ["decoding the account body ÷ JSON.parse of its text", decodeRatio, "≤ 2.5", decodeRatio <= 2.5]
]
// The targets need both effect-plex rows and both floors; BENCH_CLIENTS may leave some out.
const targets = measured(rows.plexUndici, rows.floorUndici, rows.plexFetch, rows.floorFetch) ? allTargets() : []

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, ${
  new Date().toISOString().slice(0, 10)
}`
console.log(
  `\n## getTokenDetails (${urls.bodyBytes}-byte user body, decoded), medians of ${rounds} rounds\n\n${
    table("tokenDetails")
  }`
)
console.log(`\n## signIn (form POST, 201 with the same body), medians of ${rounds} rounds\n\n${table("signIn")}`)
console.log(`\n## Decoding the ${decoding.bodyBytes}-byte account body, in memory (median µs per body)\n`)
console.log("| step | µs | × JSON.parse |\n| --- | --: | --: |")
for (
  const [label, us] of [["JSON.parse of the text", decoding.parseUs], [
    "effect-plex's tolerant reader (compiled from the schema)",
    decoding.tolerantUs
  ], ["plain Schema.decodeUnknown(UserPlexAccount)", decoding.schemaUs]] as const
) {
  console.log(`| ${label} | ${fmt(us, 1)} | ${fmt(us / decoding.parseUs, 2)} |`)
}
console.log(`\n## Targets\n\n| target | measured | goal | |\n| --- | --: | --: | --- |`)
for (const [label, value, goal, met] of targets) {
  console.log(`| ${label} | ${fmt(value, 2)}× | ${goal} | ${met ? "met" : "MISSED"} |`)
}
console.log(`\nMachine: ${machine}`)

const out = path.join(here, "..", "results")
fs.mkdirSync(out, { recursive: true })
const file = path.join(out, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`)
fs.writeFileSync(
  file,
  JSON.stringify({ machine, rounds, bodyBytes: urls.bodyBytes, summary, decoding, targets, results }, null, 2)
)
console.log(`Results: ${path.relative(process.cwd(), file)}`)
