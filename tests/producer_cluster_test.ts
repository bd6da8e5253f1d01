// Copyright 2026 the kanal authors. MIT license.
// kanal-test: once — it SIGKILLs a node of the shared 3-node cluster; the producer's fault paths run under
// both runners in lib/producer/producer_faults_test.ts.
// Ordering and no loss on the three-node cluster: 100,000 records into 6 partitions of a
// replicated topic, acks all, idempotence on, 5 in flight, while a partition leader is
// SIGKILLed and restarted. Every acknowledged record must be there exactly once, in order.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import type { DeliveryReport } from "../lib/producer/producer_record.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { kcat, uniqueTopic } from "./_tools.ts";
import { killNode, restartNode, waitForBrokers } from "./_harness.ts";

const TOTAL = 100_000;
const CHUNK = 1000;

test("no acknowledged record is lost, duplicated or reordered while a leader is killed", async () => {
  const seeds = clusterBrokers();
  await requireBroker(seeds[0]!);
  const bootstrap = seeds.map((b) => `${b.host}:${b.port}`).join(",");
  await using client = await Client.connect({ brokers: bootstrap, requestTimeoutMs: 10_000 });
  await waitForBrokers(client, 3);
  assert.equal(client.metadata.brokers.size, 3, "three brokers");
  const topic = uniqueTopic("ordering");
  await new Admin(client).createTopics([
    { name: topic, partitions: 6, replicationFactor: 3, configs: { "min.insync.replicas": "2" } },
  ]);
  const victim = (await client.leaderFor(topic, 0)).nodeId;

  await using producer = new Producer(client, {
    acks: "all",
    idempotent: true,
    maxInFlight: 5,
    lingerMs: 5,
    batchBytes: 16_384,
    retryBackoffMs: 100,
  });
  // Values carry their global sequence; keys spread them over the partitions.
  const reports: DeliveryReport[] = new Array(TOTAL);
  const pending: Promise<void>[] = [];
  let killed = false;
  let restarted: Promise<unknown> | undefined;
  for (let start = 0; start < TOTAL; start += CHUNK) {
    const chunk = Array.from({ length: CHUNK }, (_, k) => ({
      topic,
      key: `key-${(start + k) % 97}`,
      value: String(start + k),
    }));
    pending.push(
      producer.send(chunk).then((r) => {
        for (let k = 0; k < r.length; k++) reports[start + k] = r[k]!;
      }),
    );
    if (pending.length >= 16) await pending.shift();
    if (!killed && start >= TOTAL * 0.3) {
      killed = true;
      await killNode(victim);
    }
    if (killed && restarted === undefined && start >= TOTAL * 0.6) {
      restarted = restartNode(victim);
    }
  }
  await Promise.all(pending);
  // The kill really hit traffic: batches in flight to the dead leader were retried.
  const retries = producer.stages()
    .filter((s) => s.name === "leaderDispatcher")
    .reduce((n, s) => n + (s.counters.retries ?? 0), 0);
  assert.ok(retries > 0, "some batches were retried after the kill");
  await restarted;

  const failed = reports.filter((x) => x.error);
  assert.equal(failed.length, 0, `failed: ${failed[0]?.error?.message}`);

  // Read the whole topic back (from the cluster, with kcat) and check it record by record.
  const out = new TextDecoder().decode(
    await kcat(
      ["-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-e", "-q", "-f", "%p %o %s\\n"],
      { timeoutMs: 120_000 },
    ),
  );
  const logs = new Map<number, Map<number, number>>(); // partition -> offset -> value
  const seen = new Set<number>();
  let lines = 0;
  for (const line of out.split("\n")) {
    if (!line) continue;
    lines++;
    const [p, o, v] = line.split(" ").map(Number) as [number, number, number];
    assert.ok(!seen.has(v), `value ${v} is in the log twice`);
    seen.add(v);
    let log = logs.get(p);
    if (log === undefined) logs.set(p, log = new Map());
    log.set(o, v);
  }
  assert.equal(lines, TOTAL, "every record is in the log exactly once");
  for (let i = 0; i < TOTAL; i++) {
    const rep = reports[i]!;
    assert.equal(
      logs.get(rep.partition)?.get(rep.offset),
      i,
      `record ${i} at ${rep.partition}/${rep.offset}`,
    );
  }
  // Per partition, offsets follow the order records were sent in.
  for (const [p, log] of logs) {
    const values = [...log.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    for (let k = 1; k < values.length; k++) {
      assert.ok(values[k - 1]! < values[k]!, `partition ${p} out of order at ${k}`);
    }
  }
  assert.equal(logs.size, 6, "all six partitions got records");
});
