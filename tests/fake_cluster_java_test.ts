// Copyright 2026 the kanal authors. MIT license.
// Kafka's own Java clients work against the fake cluster over TCP: ProducerPerformance with
// acks=all and idempotence, and ConsoleProducer then ConsoleConsumer in a group.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { FakeCluster } from "../lib/testing/fake_cluster.ts";
import { run } from "./_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function kafkaTool(cls: string, args: string[], input?: string) {
  return run(`${ROOT}scripts/kafka.sh`, ["tool", cls, ...args], { input, timeoutMs: 90_000 });
}

test("ProducerPerformance (acks=all, idempotent, lz4) writes every record once", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    listen: true,
    topics: [{ name: "perf", partitions: 3 }],
  });
  const r = await kafkaTool("ProducerPerformance", [
    "--topic",
    "perf",
    "--num-records",
    "20000",
    "--record-size",
    "100",
    "--throughput",
    "-1",
    // One flag, several values: repeating the flag would keep only the last.
    "--command-property",
    `bootstrap.servers=${cluster.bootstrap}`,
    "acks=all",
    "enable.idempotence=true",
    "compression.type=lz4",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(new TextDecoder().decode(r.stdout), /^20000 records sent/m);
  const parts = [0, 1, 2].map((p) => cluster.partition("perf", p).log);
  assert.equal(parts.reduce((a, l) => a + l.highWatermark, 0n), 20000n);
  // Every batch carries the one producer id the fake handed out, with sequences.
  const ids = new Set(parts.flatMap((l) => l.batches.map((b) => b.producerId)));
  assert.equal(ids.size, 1);
  assert.ok([...ids][0]! >= 0n);
  assert.deepEqual(cluster.faults, []);
});

test("ConsoleProducer's records come back through ConsoleConsumer in a group", async () => {
  await using cluster = await FakeCluster.start({ listen: true });
  const b = cluster.bootstrap;
  const p = await kafkaTool("ConsoleProducer", [
    "--bootstrap-server",
    b,
    "--topic",
    "console",
    "--reader-property",
    "parse.key=true",
    "--reader-property",
    "key.separator=:",
  ], "k1:v1\nk2:v2\n");
  assert.equal(p.code, 0, p.stderr);
  const c = await kafkaTool("ConsoleConsumer", [
    "--bootstrap-server",
    b,
    "--topic",
    "console",
    "--group",
    "console-group",
    "--from-beginning",
    "--max-messages",
    "2",
    "--formatter-property",
    "print.key=true",
  ]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(new TextDecoder().decode(c.stdout), "k1\tv1\nk2\tv2\n");
  assert.equal(cluster.groups.committed("console-group", "console", 0)?.offset, 2n);
  assert.deepEqual(cluster.faults, []);
});

test("Java's idempotent producer survives lost produce answers without duplicates", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    listen: true,
    topics: [{ name: "lossy", partitions: 3 }],
  });
  // Every 7th produce is applied and its answer lost with the connection: the producer must
  // resend, and the fake must recognise the resent batches.
  let n = 0;
  const lost = cluster.intercept(() => ++n % 7 === 0 ? { kind: "applyAndDrop" } : undefined, {
    key: 0,
  });
  const r = await kafkaTool("ProducerPerformance", [
    "--topic",
    "lossy",
    "--num-records",
    "5000",
    "--record-size",
    "50",
    "--throughput",
    "-1",
    "--command-property",
    `bootstrap.servers=${cluster.bootstrap}`,
    "acks=all",
    "enable.idempotence=true",
    "linger.ms=5",
    "batch.size=2000",
    "retry.backoff.ms=10",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(new TextDecoder().decode(r.stdout), /^5000 records sent/m);
  assert.ok(lost.calls > 7, `only ${lost.calls} produce requests`);
  const total = [0, 1, 2].reduce((a, p) => a + cluster.partition("lossy", p).log.highWatermark, 0n);
  assert.equal(total, 5000n);
  assert.deepEqual(cluster.faults, []);
});
