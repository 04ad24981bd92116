// The one list of test projects. vitest.config.ts reads it through
// `test.projects`; each project extends the root config.
export default ["client", "testing", "cli"].map((name) => ({
  extends: true,
  test: { name, root: `./packages/${name}`, include: ["test/**/*.test.ts"] }
}))
