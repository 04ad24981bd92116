// Builds a package of this repository for publishing, from its folder:
// - ESM and its types in dist/ (tsconfig.build.json);
// - CommonJS and its types in dist/cjs/, marked as CommonJS for Node;
// - for resolvers that ignore `exports` (node10), a folder per public module
//   (`TokenDetails/package.json`) pointing at the CommonJS build.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

const packageDir = process.cwd()
const tsc = path.join(packageDir, "../../node_modules/typescript/bin/tsc")
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: "inherit", cwd: packageDir })

run("-p", "tsconfig.build.json")
run(
  "-p",
  "tsconfig.build.json",
  "--module",
  "CommonJS",
  "--moduleResolution",
  "Bundler",
  "--verbatimModuleSyntax",
  "false",
  "--outDir",
  "dist/cjs"
)
fs.writeFileSync(path.join(packageDir, "dist/cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`)

const modules = fs.readdirSync(path.join(packageDir, "src"))
  .filter((file) => /^[A-Z].*\.ts$/.test(file))
  .map((file) => file.slice(0, -3))
for (const name of modules) {
  fs.mkdirSync(path.join(packageDir, name), { recursive: true })
  fs.writeFileSync(
    path.join(packageDir, name, "package.json"),
    `${JSON.stringify({ main: `../dist/cjs/${name}.js`, types: `../dist/cjs/${name}.d.ts` }, null, 2)}\n`
  )
}
