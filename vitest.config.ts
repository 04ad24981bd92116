import { defineConfig } from "vitest/config"
import projects from "./vitest.workspace.js"

// "@effect-plex/source" resolves the workspace packages to their TypeScript sources, so
// tests never depend on a build of the library. No "module" condition: it
// picks builds meant for bundlers (e.g. @opentelemetry's, whose imports have
// no extensions), which Node cannot load.
// The condition is this project's own, so a consumer's "source" condition
// never reaches our TypeScript sources.
const conditions = ["@effect-plex/source", "node", "development|production"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects,
    setupFiles: [new URL("./packages/testing/test/support/processHealth.ts", import.meta.url).pathname],
    fakeTimers: { toFake: undefined },
    // Vitest runs one file at a time on 2 cores (cores - 1). Most files wait
    // on loopback sockets and timers rather than the CPU, so three at once
    // halve the run there; each file still has a process of its own.
    maxWorkers: 3,
    // With three files sharing two cores, a CPU-bound property test can pass
    // vitest's 5 s default without anything being wrong.
    testTimeout: 15_000
  }
})
