// Copyright 2026 the kanal authors. MIT license.
// What the producer charges its buffer for, and what it leaves running once closed.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { until } from "../../tests/_wait.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ProduceError } from "./produce_error.ts";
import { Producer } from "./producer.ts";

/** The bytes `producer` holds for one record with these fields, while the broker is held. */
async function charged(
  cluster: FakeCluster,
  producer: Producer,
  record: { key: string; value: string; headers: { key: string; value: string }[] },
): Promise<number> {
  let open!: () => void;
  const gate = new Promise<void>((r) => open = r);
  const hold = cluster.intercept(() => gate.then(() => undefined), { key: 0 });
  const sent = producer.send({ topic: "t", partition: 0, ...record });
  await until("the record is buffered", () => producer.buffered.records === 1);
  const bytes = producer.buffered.bytes;
  open();
  await sent;
  hold.remove();
  return bytes;
}

test("the buffer is charged a string's UTF-8 bytes, not its UTF-16 units", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client);
  const ascii = await charged(cluster, producer, {
    key: "k".repeat(10),
    value: "a".repeat(100),
    headers: [{ key: "h".repeat(10), value: "v".repeat(10) }],
  });
  // The same UTF-16 lengths: "é" is 2 UTF-8 bytes, "€" 3, and "😀" (two units) 4.
  const wide = await charged(cluster, producer, {
    key: "é".repeat(10),
    value: "€".repeat(100),
    headers: [{ key: "é".repeat(10), value: "😀".repeat(5) }],
  });
  assert.equal(wide - ascii, 10 + 200 + 10 + 10);
});

test("close({ timeoutMs }) bounds delivery and fails what is left with a typed error", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  // Every produce is refused, retriably: the records wait for their retries, out of flight.
  const refused = cluster.intercept(
    () => ({ kind: "error", code: ErrorCode.NOT_LEADER_OR_FOLLOWER }),
    { key: 0 },
  );
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  const producer = new Producer(client, { retryBackoffMs: 50, deliveryTimeoutMs: 600_000 });
  const sent = producer.send([{ topic: "t", partition: 0, value: "a" }]);
  const writer = producer.writable.getWriter();
  await writer.write({ topic: "t", partition: 0, value: "b" });
  await until("a refusal", () => refused.calls >= 1);
  const closed = await producer.close({ timeoutMs: 200 }).then(() => null, (e: unknown) => e);
  const [a] = await sent;
  assert.ok(a!.error instanceof KafkaError);
  assert.equal(a!.error.code, ErrorCode.REQUEST_TIMED_OUT);
  assert.match(a!.error.message, /close/);
  // The record written through `writable` is reported by close(), as any writable failure.
  assert.ok(closed instanceof ProduceError);
  assert.equal(closed.count, 1);
  assert.equal((closed.reports[0]!.error as KafkaError).code, ErrorCode.REQUEST_TIMED_OUT);
  assert.deepEqual(cluster.partition("t", 0).log.batches, []);
});
