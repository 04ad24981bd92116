/**
 * effect-plex with OpenTelemetry: every attempt of every operation is one
 * `plex.<operation>` client span (HTTP method, URL, status code), exported by
 * the OpenTelemetry SDK like any other span of your program. Secrets never
 * reach a span: the token travels only in a redacted header, and error texts
 * that could echo one are withheld.
 *
 * Here the spans go to an in-memory exporter; in an application, hand
 * `NodeSdk.layer` an OTLP exporter instead.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"

export const exporter = new InMemorySpanExporter()

export const TracingLive = NodeSdk.layer(() => ({
  resource: { serviceName: "my-plex-app" },
  spanProcessor: new SimpleSpanProcessor(exporter)
}))
