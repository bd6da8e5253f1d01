// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * OpenTelemetry for kanal without depending on it: the user's tracer and meter go in, spans and
 * metrics named by the messaging semantic conventions (Kafka) come out, and W3C trace context
 * travels from producer to consumer in record headers.
 *
 * @module
 */

import type { RecordHeader, RecordHeaderInput } from "../protocol/record.ts";
import type { KafkaEvent, Observer } from "./kafka_event.ts";
import {
  formatTraceparent,
  parseTraceparent,
  type TraceParent,
  TRACEPARENT_HEADER,
} from "./trace_context.ts";

/** An attribute value, as OpenTelemetry takes it. */
export type OtelAttributeValue = string | number | boolean;
/** Attributes, as OpenTelemetry takes them. */
export type OtelAttributes = Record<string, OtelAttributeValue>;

/** The part of `@opentelemetry/api`'s `Span` kanal uses. */
export interface OtelSpan {
  /** The span's identity. */
  spanContext(): TraceParent;
  /** Sets one attribute. */
  setAttribute(key: string, value: OtelAttributeValue): unknown;
  /** Marks the span failed: `{ code: 2 }` is `SpanStatusCode.ERROR`. */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span. */
  end(endTime?: number): void;
}

/** Options for {@linkcode OtelTracer.startSpan}, as in `@opentelemetry/api`. */
export interface OtelSpanOptions {
  /** `SpanKind`: 3 producer, 4 consumer. */
  kind?: number;
  /** The span's attributes. */
  attributes?: OtelAttributes;
  /** Links to other spans, e.g. the producer's. */
  links?: { context: TraceParent; attributes?: OtelAttributes }[];
  /** When it started, in ms since the epoch. */
  startTime?: number;
}

/** The part of `@opentelemetry/api`'s `Tracer` kanal uses. */
export interface OtelTracer {
  /** Starts a span; the parent is the active context, as OpenTelemetry defaults. */
  startSpan(name: string, options?: OtelSpanOptions): OtelSpan;
}

/** The part of `@opentelemetry/api`'s `Meter` kanal uses. */
export interface OtelMeter {
  /** Makes a histogram. */
  createHistogram(
    name: string,
    options?: { unit?: string; description?: string },
  ): { record(value: number, attributes?: OtelAttributes): void };
  /** Makes a counter. */
  createCounter(
    name: string,
    options?: { unit?: string; description?: string },
  ): { add(value: number, attributes?: OtelAttributes): void };
}

/** Options for {@linkcode OtelAdapter}. */
export interface OtelAdapterOptions {
  /** The tracer, e.g. `trace.getTracer("kanal")`. */
  tracer: OtelTracer;
  /** The meter, e.g. `metrics.getMeter("kanal")`; without it no metrics are recorded. */
  meter?: OtelMeter;
  /** `messaging.consumer.group.name` on consumer spans. */
  group?: string;
}

/** A record as {@linkcode OtelAdapter.inject} takes it: a topic and optional headers. */
export interface TraceableRecord {
  /** The topic. */
  readonly topic: string;
  /** Headers, as a list or an object (as `ProducerRecord` has them). */
  readonly headers?:
    | readonly RecordHeaderInput[]
    | Readonly<Record<string, Uint8Array | string | null>>;
}

/** A consumed record as {@linkcode OtelAdapter.startProcessSpan} takes it. */
export interface ConsumedTraceableRecord {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** The offset. */
  readonly offset: number;
  /** Its headers. */
  readonly headers: readonly RecordHeader[];
}

const PRODUCER = 3;
const CONSUMER = 4;
const ERROR = 2;

/**
 * Connects kanal to the user's OpenTelemetry tracer and meter. `observe` turns produce and fetch
 * events into `send` and `poll` spans and the `messaging.client.*` metrics; `inject` (or the
 * `injector()` stream, piped in front of a producer) starts a `create` span per record and puts
 * its context in a `traceparent` header; `startProcessSpan` starts the consumer's `process`
 * span, linked to the producer's context read from that header.
 *
 * @example The trace id travels in a header
 * ```ts
 * import { OtelAdapter } from "./otel_adapter.ts";
 * import assert from "node:assert/strict";
 *
 * let n = 0;
 * const started: { name: string; links?: { context: { traceId: string } }[] }[] = [];
 * const tracer = {
 *   startSpan(name: string, o: { links?: { context: { traceId: string } }[] } = {}) {
 *     started.push({ name, links: o.links });
 *     const ctx = { traceId: "a".repeat(32), spanId: String(++n).padStart(16, "0"), traceFlags: 1 };
 *     return { spanContext: () => ctx, setAttribute() {}, setStatus() {}, end() {} };
 *   },
 * };
 * const otel = new OtelAdapter({ tracer });
 * const record = otel.inject({ topic: "t", value: "v" });
 * const header = record.headers.find((h) => h.key === "traceparent")!;
 * const consumed = { topic: "t", partition: 0, offset: 0, headers: [{ key: header.key, value: new TextEncoder().encode(header.value as string) }] };
 * otel.startProcessSpan(consumed).end();
 * assert.equal(started[1]?.links?.[0]?.context.traceId, "a".repeat(32));
 * ```
 */
export class OtelAdapter {
  readonly #tracer: OtelTracer;
  readonly #group: string | undefined;
  readonly #duration: { record(value: number, attributes?: OtelAttributes): void } | undefined;
  readonly #sent: { add(value: number, attributes?: OtelAttributes): void } | undefined;
  readonly #consumed: { add(value: number, attributes?: OtelAttributes): void } | undefined;

  /** Takes the tracer and meter; makes the instruments once. */
  constructor(options: OtelAdapterOptions) {
    this.#tracer = options.tracer;
    this.#group = options.group;
    const m = options.meter;
    this.#duration = m?.createHistogram("messaging.client.operation.duration", {
      unit: "s",
      description: "Duration of messaging operation initiated by a producer or consumer client.",
    });
    this.#sent = m?.createCounter("messaging.client.sent.messages", {
      unit: "{message}",
      description: "Number of messages producer attempted to send to the broker.",
    });
    this.#consumed = m?.createCounter("messaging.client.consumed.messages", {
      unit: "{message}",
      description: "Number of messages that were delivered to the application.",
    });
  }

  /** The observer to give the client (directly or through `fanOut`). */
  readonly observe: Observer = (e: KafkaEvent): void => {
    if (e.type === "produce") {
      const attributes: OtelAttributes = {
        "messaging.system": "kafka",
        "messaging.operation.name": "send",
        "messaging.operation.type": "send",
        "messaging.destination.name": e.topic,
        "messaging.destination.partition.id": String(e.partition),
        "messaging.batch.message_count": e.records,
      };
      if (e.error !== undefined) attributes["error.type"] = errorType(e.error);
      const span = this.#tracer.startSpan(`send ${e.topic}`, {
        kind: PRODUCER,
        attributes,
        startTime: Date.now() - e.latencyMs,
      });
      if (e.error !== undefined) span.setStatus({ code: ERROR, message: String(e.error) });
      span.end();
      this.#duration?.record(e.latencyMs / 1000, attributes);
      this.#sent?.add(e.records, attributes);
    } else if (e.type === "fetch" && e.records > 0) {
      const attributes: OtelAttributes = {
        "messaging.system": "kafka",
        "messaging.operation.name": "poll",
        "messaging.operation.type": "receive",
        "messaging.destination.name": e.topic,
        "messaging.destination.partition.id": String(e.partition),
        "messaging.batch.message_count": e.records,
      };
      if (this.#group !== undefined) attributes["messaging.consumer.group.name"] = this.#group;
      this.#tracer.startSpan(`poll ${e.topic}`, { kind: CONSUMER, attributes }).end();
      this.#consumed?.add(e.records, attributes);
    }
  };

  /**
   * A copy of `record` with a `traceparent` header naming a new `create` span (a child of the
   * active span, if any), which ends at once. Other headers are kept, as a list.
   */
  inject<R extends TraceableRecord>(record: R): R & { headers: RecordHeaderInput[] } {
    const span = this.#tracer.startSpan(`create ${record.topic}`, {
      kind: PRODUCER,
      attributes: {
        "messaging.system": "kafka",
        "messaging.operation.name": "create",
        "messaging.operation.type": "create",
        "messaging.destination.name": record.topic,
      },
    });
    const headers = headerList(record.headers)
      .filter((h) => h.key !== TRACEPARENT_HEADER);
    headers.push({ key: TRACEPARENT_HEADER, value: formatTraceparent(span.spanContext()) });
    span.end();
    return { ...record, headers };
  }

  /** A stage that {@linkcode inject}s every record (or array of records) passing through. */
  injector<R extends TraceableRecord>(): TransformStream<R | readonly R[], R[]> {
    return new TransformStream<R | readonly R[], R[]>({
      transform: (chunk, controller) => {
        const list = Array.isArray(chunk) ? chunk as readonly R[] : [chunk as R];
        controller.enqueue(list.map((r) => this.inject(r)));
      },
    });
  }

  /** The producer's trace context carried by a consumed record, if it has a valid one. */
  extract(record: { readonly headers: readonly RecordHeader[] }): TraceParent | undefined {
    let found: RecordHeader | undefined;
    for (const h of record.headers) if (h.key === TRACEPARENT_HEADER) found = h;
    return parseTraceparent(found?.value);
  }

  /**
   * Starts the `process` span for one consumed record, linked to the producer's `create` span
   * when the record carries its context. The caller ends it when done with the record.
   */
  startProcessSpan(record: ConsumedTraceableRecord): OtelSpan {
    const attributes: OtelAttributes = {
      "messaging.system": "kafka",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": record.topic,
      "messaging.destination.partition.id": String(record.partition),
      "messaging.kafka.offset": record.offset,
    };
    if (this.#group !== undefined) attributes["messaging.consumer.group.name"] = this.#group;
    const context = this.extract(record);
    return this.#tracer.startSpan(`process ${record.topic}`, {
      kind: CONSUMER,
      attributes,
      links: context ? [{ context }] : [],
    });
  }
}

function headerList(headers: TraceableRecord["headers"]): RecordHeaderInput[] {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return [...headers as readonly RecordHeaderInput[]];
  return Object.entries(headers as Record<string, Uint8Array | string | null>)
    .map(([key, value]) => ({ key, value }));
}

function errorType(e: unknown): string {
  if (e instanceof Error) return (e as { errorName?: string }).errorName ?? e.name;
  return "_OTHER";
}
