import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadSpec, resolve } from "./support/openapi.js"
import { operations, plexTvUrl, provide, serverUrl } from "./support/plex.js"
import { scripted } from "./support/scriptedHttp.js"

// The June 2025 spec is the one the seed operations are documented against.
const spec = loadSpec("plex-api-spec.yaml")

const operationIds: Record<string, string> = {
  getTransientToken: "getTransientToken",
  getSourceConnectionInformation: "getSourceConnectionInformation",
  getTokenDetails: "getTokenDetails",
  postUsersSignInData: "post-users-sign-in-data"
}

describe.each(operations)("the $name request is valid against the OpenAPI spec", (op) => {
  it.effect("method, path, parameters, headers, security and body", () =>
    Effect.gen(function*() {
      const http = scripted(op.success)
      yield* op.run().pipe(provide(http.layer))
      const request = http.requests[0]!
      const url = new URL(request.url)
      const base = new URL(request.url.startsWith(plexTvUrl) ? plexTvUrl : serverUrl)
      const route = url.pathname.slice(base.pathname.replace(/\/$/, "").length)
      const operation = spec.paths[route]?.[request.method.toLowerCase()]
      assert.isDefined(operation, `${request.method} ${route} is in the spec`)
      assert.strictEqual(operation.operationId, operationIds[op.name])

      const servers = operation.servers ?? spec.servers
      if (operation.servers) assert.strictEqual(`${base.origin}${base.pathname}`, servers[0].url)

      const parameters: Array<any> = (operation.parameters ?? []).map((p: any) => resolve(spec, p))
      const headerNames = new Set(Object.keys(request.headers).map((h) => h.toLowerCase()))
      for (const parameter of parameters) {
        const schema = resolve(spec, parameter.schema ?? {})
        if (parameter.in === "query") {
          const value = url.searchParams.get(parameter.name)
          if (parameter.required) assert.isNotNull(value, `query ${parameter.name} is required`)
          if (value !== null && schema.enum) assert.include(schema.enum, value)
        }
        if (parameter.in === "header" && parameter.required) {
          assert.isTrue(headerNames.has(parameter.name.toLowerCase()), `header ${parameter.name} is required`)
        }
      }
      const declaredQuery = new Set(parameters.filter((p) => p.in === "query").map((p) => p.name))
      for (const name of url.searchParams.keys()) assert.isTrue(declaredQuery.has(name), `query ${name} is declared`)

      const security = operation.security ?? spec.security ?? []
      const scheme = spec.components.securitySchemes.accessToken
      assert.strictEqual(scheme.in, "header")
      assert.strictEqual(headerNames.has(scheme.name.toLowerCase()), security.length > 0, "token header iff secured")

      if (operation.requestBody === undefined) {
        assert.isUndefined(request.body)
        return
      }
      const contentType = request.headers["content-type"]!.split(";")[0]!.trim()
      const media = operation.requestBody.content[contentType]
      assert.isDefined(media, `body media type ${contentType} is declared`)
      const schema = resolve(spec, media.schema)
      const form = new URLSearchParams(request.body)
      for (const name of schema.required ?? []) assert.isTrue(form.has(name), `form field ${name} is required`)
      for (const [name, value] of form) {
        const property = schema.properties[name]
        assert.isDefined(property, `form field ${name} is declared`)
        if (property.type === "boolean") assert.include(["true", "false"], value)
        if (property.type === "string") assert.isString(value)
      }
    }))
})
