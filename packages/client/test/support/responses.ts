/** Every example response of both OpenAPI specs that an operation decodes, with the schema it decodes it with. */
import * as Schema from "effect/Schema"
import { Pin } from "../../src/Pin.js"
import { Resource } from "../../src/Resource.js"
import { SourceDeviceContainer } from "../../src/SourceConnection.js"
import { TransientTokenContainer } from "../../src/TransientToken.js"
import { UserPlexAccount } from "../../src/UserPlexAccount.js"

export const specExamples: ReadonlyArray<
  readonly [
    file: "plex-api-spec.yaml" | "plex-api-spec-2026-01.yaml",
    route: string,
    method: string,
    status: string,
    schema: Schema.Schema<any, any, never>
  ]
> = [
  ["plex-api-spec.yaml", "/user", "get", "200", UserPlexAccount],
  ["plex-api-spec.yaml", "/users/signin", "post", "201", UserPlexAccount],
  ["plex-api-spec.yaml", "/pins", "post", "201", Pin],
  ["plex-api-spec.yaml", "/pins/{pinID}", "get", "200", Pin],
  ["plex-api-spec.yaml", "/resources", "get", "200", Schema.Array(Resource)],
  ["plex-api-spec-2026-01.yaml", "/user", "get", "200", UserPlexAccount],
  ["plex-api-spec-2026-01.yaml", "/users/signin", "post", "201", UserPlexAccount],
  ["plex-api-spec-2026-01.yaml", "/resources", "get", "200", Schema.Array(Resource)],
  ["plex-api-spec-2026-01.yaml", "/security/token", "post", "200", TransientTokenContainer],
  ["plex-api-spec-2026-01.yaml", "/security/resources", "get", "200", SourceDeviceContainer]
]
