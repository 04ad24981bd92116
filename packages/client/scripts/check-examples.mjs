// Type-checks every ```ts example in the JSDoc of a package's public modules,
// with the project's own TypeScript and settings. Run from a package folder.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

const packageDir = process.cwd()
const srcDir = path.join(packageDir, "src")
const outDir = path.join(packageDir, ".examples")
fs.rmSync(outDir, { recursive: true, force: true })
fs.mkdirSync(outDir)

let count = 0
for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith(".ts"))) {
  const text = fs.readFileSync(path.join(srcDir, file), "utf8")
  for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const body = comment.split("\n").map((line) => line.replace(/^\s*\*( |$)/, "")).join("\n")
    for (const [, code] of body.matchAll(/```ts\n([\s\S]*?)```/g)) {
      count++
      fs.writeFileSync(path.join(outDir, `${path.basename(file, ".ts")}-${count}.ts`), `export {}\n${code}`)
    }
  }
}
fs.writeFileSync(
  path.join(outDir, "tsconfig.json"),
  JSON.stringify({
    extends: "../../../tsconfig.base.json",
    compilerOptions: { noEmit: true, noUnusedLocals: false, types: ["node"] },
    include: ["*.ts"]
  })
)
try {
  execFileSync(process.execPath, [path.join(packageDir, "../../node_modules/typescript/bin/tsc"), "-p", outDir], {
    stdio: "inherit"
  })
  console.log(`${count} JSDoc examples type-check`)
} finally {
  fs.rmSync(outDir, { recursive: true, force: true })
}
