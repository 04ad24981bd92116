/** README examples that are tests: the block between the markers must stand in the README as it is. */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const readme = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../README.md")

/** The code between `// -- example start` and `// -- example end` in the test file at `url`. */
export const exampleOf = (url: string): string => {
  const source = fs.readFileSync(fileURLToPath(url), "utf8")
  const start = source.indexOf("// -- example start\n") + "// -- example start\n".length
  return source.slice(start, source.indexOf("// -- example end")).trimEnd()
}

export const readmeText = (): string => fs.readFileSync(readme, "utf8")
