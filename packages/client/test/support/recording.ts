/**
 * A tracer and a logger that keep what an exporter would, so tests can
 * search it for secrets. Like @effect/opentelemetry, the tracer keeps a span's
 * name, attributes, events and, for a failed span, its cause and error; a
 * successful span's value is never exported, so it is not kept.
 */
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import * as Tracer from "effect/Tracer"
import * as util from "node:util"

export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<unknown>
  failure?: string
}

export const recordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const record: RecordedSpan = { name, attributes: new Map(), events: [] }
      spans.push(record)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        links: [...links],
        sampled: true,
        kind,
        end: (_endTime, exit) => {
          if (Exit.isFailure(exit)) {
            record.failure = Cause.pretty(exit.cause) + util.inspect(Cause.squash(exit.cause), { depth: Infinity })
          }
        },
        attribute: (key, value) => {
          record.attributes.set(key, value)
        },
        event: (eventName, _time, attributes) => {
          record.events.push({ eventName, attributes })
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  const dump = () => util.inspect(spans, { depth: Infinity, showHidden: true })
  return { tracer, spans, dump }
}

/** Every log line, rendered by each of Effect's built-in formats. */
export const capturingLogger = () => {
  const lines: Array<string> = []
  const logger = Logger.make<unknown, void>((options) => {
    for (const format of [Logger.stringLogger, Logger.logfmtLogger, Logger.jsonLogger]) {
      lines.push(String(format.log(options)))
    }
    lines.push(util.inspect(options.message, { depth: Infinity }))
    lines.push(Cause.pretty(options.cause))
    lines.push(util.inspect([...HashMap.values(options.annotations)], { depth: Infinity }))
  })
  return { logger, lines }
}
