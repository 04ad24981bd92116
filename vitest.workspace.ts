// The one list of test projects. vitest.config.ts reads it through
// `test.projects`; each project extends the root config.
export default [
  ["core", "./packages/core"],
  ["client", "./packages/client"],
  ["testing", "./packages/testing"],
  ["cli", "./packages/cli"],
  ["examples", "./examples"]
].map(([name, root]) => ({
  extends: true,
  test: {
    name,
    root,
    include: ["test/**/*.test.ts"]
  }
}))
