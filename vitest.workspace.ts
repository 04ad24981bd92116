// The one list of test projects; vitest.config.ts reads it through `test.projects`.
export default ["packages/*/vitest.config.ts"]
