// Copyright 2026 the kanal authors. MIT license.
// What the producer charges its buffer for, and what it leaves running once closed.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { until } from "../../tests/_wait.ts";
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
