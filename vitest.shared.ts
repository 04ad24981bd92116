import { defineConfig } from "vitest/config"

// "source" resolves the workspace packages to their TypeScript sources, so
// tests never depend on a build.
const conditions = ["source", "module", "node", "development|production"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    fakeTimers: { toFake: undefined }
  }
})
