/** Recorded bodies, kept in the repository under packages/testing/test-data. */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))

/** The repository's test data: recorded bodies and the OpenAPI specs, with their licences. */
export const testDataDir = path.resolve(here, "../../../testing/test-data")

export const realWorldDir = path.join(testDataDir, "real-world")

export const readRealWorld = (name: string): string => fs.readFileSync(path.join(realWorldDir, name), "utf8")

export const realWorldFiles = (extension: ".json" | ".xml"): Array<string> =>
  fs.readdirSync(realWorldDir).filter((f) => f.endsWith(extension)).sort()
