// Copyright 2026 the kanal authors. MIT license.
// kanal-test: once — it SIGKILLs a node of the shared 3-node cluster; the consumer's fault paths run under
// both runners in lib/consumer/consumer_faults_test.ts.
// A partition leader SIGKILLed mid-consume on the three-node cluster: the partition's stream
// goes on from the new leader with no gap and no duplicate.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Consumer } from "../lib/consumer/consumer.ts";
import { Producer } from "../lib/producer/producer.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { killNode, restartNode, waitForBrokers } from "./_harness.ts";

const TOTAL = 50_000;

test("the partition stream goes on with no gap and no duplicate when its leader is killed", async () => {
  const seeds = clusterBrokers();
  await requireBroker(seeds[0]!);
  await using client = await Client.connect({
    brokers: seeds.map((b) => `${b.host}:${b.port}`),
    requestTimeoutMs: 10_000,
  });
  await waitForBrokers(client, 3);
  const topic = uniqueTopic("consume-failover");
  await new Admin(client).createTopics([
    { name: topic, partitions: 1, replicationFactor: 3, configs: { "min.insync.replicas": "2" } },
  ]);
  {
    await using producer = new Producer(client);
    const reports = await producer.send(
      Array.from({ length: TOTAL }, (_, i) => ({ topic, partition: 0, value: String(i) })),
    );
    assert.equal(reports.filter((r) => r.error).length, 0);
  }
  const victim = (await client.leaderFor(topic, 0)).nodeId;
  // Small fetches and a small buffer, so most of the partition is still unread at the kill.
  await using consumer = new Consumer(client, {
    maxPartitionBytes: 16 * 1024,
    partitionBufferBytes: 32 * 1024,
    retryBackoffMs: 100,
  });
  const pc = consumer.partition(topic, 0, { offset: "oldest" });
  const values: number[] = [];
  let killed = false;
  let restart: Promise<unknown> | undefined;
  try {
    for await (const r of pc.records()) {
      values.push(Number(new TextDecoder().decode(r.value!)));
      if (values.length % 1000 === 0) await new Promise((w) => setTimeout(w, 1));
      if (!killed && values.length === 10_000) {
        killed = true;
        await killNode(victim);
      }
      if (killed && restart === undefined && values.length === 30_000) {
        restart = restartNode(victim);
      }
      if (values.length >= TOTAL) break;
    }
  } finally {
    if (restart === undefined) {
      restart = restartNode(victim);
    }
    await restart;
  }
  assert.equal(values.length, TOTAL);
  for (let i = 0; i < TOTAL; i++) {
    if (values[i] !== i) assert.fail(`record ${i} is ${values[i]}: a gap or a duplicate`);
  }
  // The stage left the dump when the stream ended; its handle keeps the counters.
  assert.ok((pc.stage.counters.redispatches ?? 0) >= 1, "the stream moved to the new leader");
  assert.notEqual((await client.leaderFor(topic, 0)).nodeId, -1);
});
