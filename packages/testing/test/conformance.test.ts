import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { loadSpec, responseSchema, validate } from "../../client/test/support/openapi.js"
import * as PlexFake from "../src/PlexFake.js"

const identity = { accept: "application/json", "x-plex-client-identifier": "conformance", "x-plex-product": "tests" }

type SpecFile = "plex-api-spec.yaml" | "plex-api-spec-2026-01.yaml"

interface Case {
  readonly name: string
  readonly request: (
    fake: PlexFake.PlexFakeService,
    token: string
  ) => { method: string; url: string; headers?: Record<string, string>; body?: string }
  readonly status: number
  /** The spec documents of this response: file, path, method, status. */
  readonly specs: ReadonlyArray<readonly [SpecFile, string, string, string]>
}

const cases: ReadonlyArray<Case> = [
  {
    name: "sign-in 201",
    request: (fake) => ({
      method: "POST",
      url: `${fake.plexTvUrl}/users/signin`,
      body: `login=demo&password=${PlexFake.demoAccount.password}`
    }),
    status: 201,
    specs: [["plex-api-spec.yaml", "/users/signin", "post", "201"], [
      "plex-api-spec-2026-01.yaml",
      "/users/signin",
      "post",
      "201"
    ]]
  },
  {
    name: "sign-in 401",
    request: (fake) => ({ method: "POST", url: `${fake.plexTvUrl}/users/signin`, body: "login=demo&password=wrong" }),
    status: 401,
    specs: [["plex-api-spec.yaml", "/users/signin", "post", "401"], [
      "plex-api-spec-2026-01.yaml",
      "/users/signin",
      "post",
      "401"
    ]]
  },
  {
    name: "sign-in 400",
    request: (fake) => ({
      method: "POST",
      url: `${fake.plexTvUrl}/users/signin`,
      headers: { "x-plex-client-identifier": "" },
      body: "login=demo"
    }),
    status: 400,
    specs: [["plex-api-spec.yaml", "/users/signin", "post", "400"], [
      "plex-api-spec-2026-01.yaml",
      "/users/signin",
      "post",
      "400"
    ]]
  },
  {
    name: "user 200",
    request: (fake, token) => ({ method: "GET", url: `${fake.plexTvUrl}/user`, headers: { "x-plex-token": token } }),
    status: 200,
    specs: [["plex-api-spec.yaml", "/user", "get", "200"], ["plex-api-spec-2026-01.yaml", "/user", "get", "200"]]
  },
  {
    name: "user 401",
    request: (fake) => ({ method: "GET", url: `${fake.plexTvUrl}/user`, headers: { "x-plex-token": "unknown" } }),
    status: 401,
    specs: [["plex-api-spec.yaml", "/user", "get", "401"], ["plex-api-spec-2026-01.yaml", "/user", "get", "401"]]
  },
  {
    name: "transient token 200",
    request: (fake, token) => ({
      method: "GET",
      url: `${fake.serverUrl}/security/token?type=delegation&scope=all`,
      headers: { "x-plex-token": token }
    }),
    status: 200,
    specs: [["plex-api-spec-2026-01.yaml", "/security/token", "post", "200"]]
  },
  {
    name: "source connection information 200",
    request: (fake, token) => ({
      method: "GET",
      url: `${fake.serverUrl}/security/resources?source=${encodeURIComponent(PlexFake.demoSource.source)}`,
      headers: { "x-plex-token": token }
    }),
    status: 200,
    specs: [["plex-api-spec-2026-01.yaml", "/security/resources", "get", "200"]]
  }
]

describe("every fake response matches the spec's schema", () => {
  for (const testCase of cases) {
    it.effect(testCase.name, () =>
      Effect.gen(function*() {
        const fake = yield* PlexFake.PlexFake
        const token = Redacted.value(yield* fake.issueToken("demo"))
        const request = testCase.request(fake, token)
        const response = yield* fake.handle({
          method: request.method,
          url: new URL(request.url),
          headers: { ...identity, ...request.headers },
          body: request.body ?? ""
        })
        assert.strictEqual(response._tag, "Reply")
        if (response._tag !== "Reply") return
        assert.strictEqual(response.status, testCase.status)
        assert.match(response.headers["content-type"]!, /^application\/json/)
        const body = JSON.parse(response.body)
        for (const [file, path, method, status] of testCase.specs) {
          const spec = loadSpec(file)
          const schema = responseSchema(spec, path, method, status)
          assert.isDefined(schema, `${file} documents ${method} ${path} ${status}`)
          assert.deepStrictEqual(validate(spec, schema, body), [], file)
        }
      }).pipe(Effect.provide(PlexFake.layer())))
  }

  it("the validator itself rejects what the spec forbids", () => {
    const spec = loadSpec("plex-api-spec.yaml")
    const schema = responseSchema(spec, "/user", "get", "200")
    const problems = validate(spec, schema, { id: "1", uuid: 2 })
    assert.include(problems, "$.authToken: required")
    assert.include(problems, "$.id: expected integer, got string")
  })
})
