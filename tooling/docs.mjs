// Regenerates the API reference under docs/reference/<package> with
// @effect/docgen, which type-checks every JSDoc example, then checks that no
// public signature names a type a user cannot import.
//
// usage: node tooling/docs.mjs [--check]
//   --check fails when the committed reference differs from the sources.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const bin = path.join(root, "tooling", "node_modules", ".bin")
const packages = ["client", "testing"]
// docgen runs `tsc` from PATH on the examples: it must be this folder's
// TypeScript 5. It then runs them with tsx, which reads our sources through
// the repository's own export condition, so no build is needed.
const env = {
  ...process.env,
  PATH: `${bin}${path.delimiter}${process.env.PATH}`,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --conditions=@effect-plex/source`.trim()
}
const run = (command, args, cwd) => execFileSync(command, args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] })

// docgen reads the signatures with its own TypeScript, which resolves
// @effect-plex/core to its build: a type from it would read `any` without one.
run(
  process.execPath,
  [path.join(root, "packages", "client", "scripts", "build.mjs")],
  path.join(root, "packages", "core")
)

for (const name of packages) {
  const dir = path.join(root, "packages", name)
  const generated = path.join(dir, "docs")
  const target = path.join(root, "docs", "reference", name)
  fs.rmSync(generated, { recursive: true, force: true })
  run(path.join(bin, "docgen"), [], dir)
  fs.rmSync(target, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.renameSync(path.join(generated, "modules"), target)
  fs.rmSync(generated, { recursive: true, force: true })
}
run(
  process.execPath,
  [path.join(root, "tooling", "api-surface.mjs"), ...packages.map((name) => `packages/${name}`)],
  root
)

if (process.argv.includes("--check")) {
  try {
    run("git", ["diff", "--exit-code", "--stat", "--", "docs/reference"], root)
    const untracked = execFileSync("git", ["ls-files", "--others", "--exclude-standard", "--", "docs/reference"], {
      cwd: root
    }).toString()
    if (untracked.trim() !== "") throw new Error(`not committed:\n${untracked}`)
  } catch (error) {
    console.error("docs/reference is out of date: run `npm run docs` and commit the result.")
    if (error instanceof Error && error.message.startsWith("not committed")) console.error(error.message)
    process.exit(1)
  }
}
