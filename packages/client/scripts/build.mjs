// Builds a package of this repository for publishing, from its folder:
// - ESM and its types in dist/ (tsconfig.build.json);
// - CommonJS and its types in dist/cjs/, marked as CommonJS for Node;
// - in both, top-level calls marked /*#__PURE__*/ (as Effect's own builds do),
//   so that a bundler drops the modules, schemas and tags a program never uses;
// - for resolvers that ignore `exports` (node10), a folder per public module
//   (`TokenDetails/package.json`) pointing at the CommonJS build.
import { transformFileSync } from "@babel/core"
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

const annotatePure = (file) => {
  const map = JSON.parse(fs.readFileSync(`${file}.map`, "utf8"))
  const result = transformFileSync(file, {
    babelrc: false,
    configFile: false,
    plugins: ["babel-plugin-annotate-pure-calls"],
    inputSourceMap: map,
    sourceMaps: true,
    retainLines: true
  })
  // The chained map keeps tsc's `sources`, which point at the shipped src/.
  const { sourcesContent: _unshipped, ...rest } = result.map
  const chained = { ...rest, file: map.file, sources: map.sources, sourceRoot: map.sourceRoot }
  const base = path.basename(file)
  fs.writeFileSync(
    file,
    `${result.code.replace(/\n\/\/# sourceMappingURL=.*$/, "")}\n//# sourceMappingURL=${base}.map\n`
  )
  fs.writeFileSync(`${file}.map`, JSON.stringify(chained))
}
for (const entry of fs.readdirSync(path.join(packageDir, "dist"), { recursive: true })) {
  if (String(entry).endsWith(".js")) annotatePure(path.join(packageDir, "dist", String(entry)))
}

// Public modules are PascalCase, at the top of src/ or in a folder of it
// other than internal/ (the core's fake/).
const modules = fs.readdirSync(path.join(packageDir, "src"), { recursive: true })
  .map(String)
  .filter((file) => /^(?:(?!internal\/)[a-z]+\/)?[A-Z][^/]*\.ts$/.test(file))
  .map((file) => file.slice(0, -3))
for (const name of modules) {
  const up = "../".repeat(name.split("/").length)
  fs.mkdirSync(path.join(packageDir, name), { recursive: true })
  fs.writeFileSync(
    path.join(packageDir, name, "package.json"),
    `${JSON.stringify({ main: `${up}dist/cjs/${name}.js`, types: `${up}dist/cjs/${name}.d.ts` }, null, 2)}\n`
  )
}
