/** Recorded bodies from ../shared, read once. */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))

/** The shared folder: beside the repository in CI and in every checkout. */
export const sharedDir = path.resolve(here, "../../../../../shared")

export const realWorldDir = path.join(sharedDir, "fixtures", "real-world")

export const readRealWorld = (name: string): string => fs.readFileSync(path.join(realWorldDir, name), "utf8")

export const realWorldFiles = (extension: ".json" | ".xml"): Array<string> =>
  fs.readdirSync(realWorldDir).filter((f) => f.endsWith(extension)).sort()
