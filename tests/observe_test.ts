// Copyright 2026 the kanal authors. MIT license.
// Observability end to end against the in-process fake cluster: the hooks' events and the
// OpenTelemetry adapter's spans for a produce and a consume, and the trace id carried from the
// producer's `create` span to the consumer's `process` span in a `traceparent` header.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import {
  Client,
  Consumer,
  fanOut,
  type KafkaEvent,
  KafkaMetrics,
  OtelAdapter,
  type OtelSpanOptions,
  Producer,
} from "../mod.ts";
import { FakeCluster } from "../lib/testing/mod.ts";

interface FakeSpan {
  name: string;
  options: OtelSpanOptions;
  traceId: string;
  spanId: string;
  ended: boolean;
}

/** A tracer and meter shaped like @opentelemetry/api's, recording what they are given. */
function fakeOtel() {
  const spans: FakeSpan[] = [];
  const measured: { name: string; value: number; attributes?: Record<string, unknown> }[] = [];
  let n = 0;
  const hex = (i: number, len: number) => i.toString(16).padStart(len, "0");
  const tracer = {
    startSpan(name: string, options: OtelSpanOptions = {}) {
      n++;
      const span: FakeSpan = {
        name,
        options,
        traceId: hex(1000 + n, 32),
        spanId: hex(n, 16),
        ended: false,
      };
      spans.push(span);
      return {
        spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 }),
        setAttribute() {},
        setStatus() {},
        end() {
          span.ended = true;
        },
      };
    },
  };
  const meter = {
    createHistogram: (name: string) => ({
      record: (value: number, attributes?: Record<string, unknown>) =>
        measured.push({ name, value, attributes }),
    }),
    createCounter: (name: string) => ({
      add: (value: number, attributes?: Record<string, unknown>) =>
        measured.push({ name, value, attributes }),
    }),
  };
  return { tracer, meter, spans, measured };
}

test("hooks and the OTel adapter see a produce and a consume; the trace id travels", async () => {
  const topic = "observed";
  await using fake = await FakeCluster.start({
    brokers: 1,
    topics: [{ name: topic, partitions: 1 }],
  });
  const events: KafkaEvent[] = [];
  const metrics = new KafkaMetrics();
  const otel = fakeOtel();
  const adapter = new OtelAdapter({ tracer: otel.tracer, meter: otel.meter });
  await using client = await Client.connect({
    brokers: fake.bootstrap,
    transport: fake.transport,
    observe: fanOut((e) => events.push(e), metrics.observe, adapter.observe),
  });

  await using producer = new Producer(client);
  const reports = await producer.send([
    adapter.inject({ topic, key: "k1", value: "one" }),
    adapter.inject({ topic, key: "k2", value: "two", headers: { app: "test" } }),
  ]);
  assert.deepEqual(reports.map((r) => [r.partition, r.offset, r.error]), [
    [0, 0, undefined],
    [0, 1, undefined],
  ]);

  await using consumer = new Consumer(client);
  const got = [];
  for await (const r of consumer.partition(topic, 0, { offset: 0 }).records()) {
    got.push(r);
    if (got.length === 2) break;
  }

  // Hooks: a connection opened, requests answered with sizes, one produce batch, a fetch.
  const open = events.filter((e) => e.type === "connection.open");
  assert.ok(open.length >= 1);
  const produced = events.filter((e) => e.type === "produce");
  assert.equal(produced.length, 1);
  assert.deepEqual(
    produced.map((e) => [e.topic, e.partition, e.records, e.baseOffset, e.error]),
    [[topic, 0, 2, 0, undefined]],
  );
  const fetched = events.filter((e) => e.type === "fetch" && e.records > 0);
  assert.deepEqual(fetched.map((e) => e.type === "fetch" && [e.topic, e.records]), [[topic, 2]]);
  const requests = events.filter((e) => e.type === "request");
  const apis = new Set(requests.map((e) => e.type === "request" && e.api));
  for (const api of ["ApiVersions", "Metadata", "Produce", "Fetch"]) assert.ok(apis.has(api), api);
  for (const e of requests) {
    if (e.type !== "request") continue;
    assert.ok(e.bytesOut > 0 && e.bytesIn > 0 && e.latencyMs >= 0, JSON.stringify(e));
  }

  // metrics(): per topic and per broker.
  const snap = metrics.snapshot();
  assert.equal(snap.topics[topic]?.producedRecords, 2);
  assert.equal(snap.topics[topic]?.fetchedRecords, 2);
  assert.equal(snap.topics[topic]?.produceLatency.count, 1);
  const brokerStats = Object.values(snap.brokers);
  assert.equal(
    brokerStats.reduce((n, b) => n + b.requests, 0),
    requests.length,
  );
  assert.equal(brokerStats.reduce((n, b) => n + b.latency.count, 0), requests.length);

  // OTel: one create span per record, one send span, one poll span, metrics by semconv names.
  const names = otel.spans.map((s) => s.name);
  assert.deepEqual(names.filter((n) => n.startsWith("create")), [
    `create ${topic}`,
    `create ${topic}`,
  ]);
  assert.deepEqual(names.filter((n) => n.startsWith("send")), [`send ${topic}`]);
  assert.deepEqual(names.filter((n) => n.startsWith("poll")), [`poll ${topic}`]);
  const send = otel.spans.find((s) => s.name.startsWith("send"))!;
  assert.equal(send.options.kind, 3);
  assert.equal(send.options.attributes?.["messaging.system"], "kafka");
  assert.equal(send.options.attributes?.["messaging.batch.message_count"], 2);
  assert.ok(
    otel.measured.some((m) => m.name === "messaging.client.sent.messages" && m.value === 2),
  );
  assert.ok(
    otel.measured.some((m) => m.name === "messaging.client.consumed.messages" && m.value === 2),
  );
  assert.ok(otel.measured.some((m) => m.name === "messaging.client.operation.duration"));

  // Trace context: each consumed record carries its create span's traceparent; the process
  // span links to it.
  const creates = otel.spans.filter((s) => s.name.startsWith("create"));
  const dec = new TextDecoder();
  for (const [i, r] of got.entries()) {
    const tp = r.headers.filter((h) => h.key === "traceparent");
    assert.equal(tp.length, 1);
    assert.equal(dec.decode(tp[0]!.value!), `00-${creates[i]!.traceId}-${creates[i]!.spanId}-01`);
    const span = adapter.startProcessSpan({ ...r, topic, partition: 0 });
    span.end();
    const process = otel.spans.at(-1)!;
    assert.equal(process.name, `process ${topic}`);
    assert.equal(process.options.kind, 4);
    assert.equal(process.options.links?.[0]?.context.traceId, creates[i]!.traceId);
    assert.equal(process.options.links?.[0]?.context.spanId, creates[i]!.spanId);
  }
  assert.equal(dec.decode(got[1]!.headers.find((h) => h.key === "app")!.value!), "test");
  assert.ok(otel.spans.every((s) => s.ended));
});
