// Copyright 2026 the kanal authors. MIT license.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Consumer } from "../consumer/consumer.ts";
import { Producer } from "../producer/producer.ts";
import { FakeCluster } from "./fake_cluster.ts";

test("a produced record is consumed back through the in-memory transport", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    topics: [{ name: "t", partitions: 3 }],
  });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client);
  const reports = await producer.send([
    { topic: "t", partition: 1, key: "k", value: "one" },
    { topic: "t", partition: 1, key: "k", value: "two" },
  ]);
  assert.deepEqual(reports.map((r) => [r.error, r.offset]), [[undefined, 0], [undefined, 1]]);
  await using consumer = new Consumer(client);
  const got: string[] = [];
  for await (const r of consumer.partition("t", 1, { offset: "oldest" }).records()) {
    got.push(new TextDecoder().decode(r.value!));
    if (got.length === 2) break;
  }
  assert.deepEqual(got, ["one", "two"]);
  assert.deepEqual(cluster.faults, []);
});
