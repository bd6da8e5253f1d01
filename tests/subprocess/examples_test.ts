// Copyright 2026 the kanal authors. MIT license.
// The examples as a reader runs them, under Deno and under Bun against the real broker, with
// kcat as the witness that what they say they did is in the topic.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../../lib/admin/admin.ts";
import { Client } from "../../lib/client/client.ts";
import { brokerList, requireBroker } from "../_kafka.ts";
import { kcat, ROOT, run, uniqueTopic } from "../_tools.ts";

for (
  const [runtime, args] of [
    ["deno", ["run", "-A", "examples/produce.ts"]],
    ["bun", ["examples/produce.ts"]],
  ] as const
) {
  test(`examples/produce.ts puts its records where it says, under ${runtime}`, async () => {
    await requireBroker();
    await using client = await Client.connect({ brokers: brokerList() });
    const admin = new Admin(client);
    const topic = uniqueTopic("example-produce");
    // Three partitions, so where each key lands is the partitioner's choice, not a given.
    await admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
    try {
      const r = await run(`${ROOT}node_modules/.bin/${runtime}`, [...args], {
        cwd: ROOT,
        env: { KAFKA_BROKERS: brokerList(), KAFKA_TOPIC: topic },
      });
      assert.equal(r.code, 0, r.stderr);
      const out = new TextDecoder().decode(r.stdout);
      const sent = [...out.matchAll(/^sent (\S+) to partition (\d+) at offset (\d+)$/gm)]
        .map((m) => ({ key: m[1]!, partition: Number(m[2]), offset: Number(m[3]) }));
      assert.deepEqual(sent.map((s) => s.key), ["customer-1", "customer-2", "customer-1"]);
      assert.match(out, new RegExp(`^streamed 10000 records to ${topic} in \\d+ ms$`, "m"));

      const lines = new TextDecoder().decode(
        await kcat(["-C", "-b", brokerList(), "-t", topic, "-e", "-q", "-f", "%p %o %k %s %h\n"]),
      ).split("\n").filter(Boolean);
      assert.equal(lines.length, 3 + 10_000);
      // Each order is at the partition and offset the example printed, with its header.
      const at = new Map(lines.map((l) => [l.split(" ").slice(0, 2).join(" "), l]));
      const orders = sent.map((s) => at.get(`${s.partition} ${s.offset}`));
      assert.deepEqual(orders, [
        `${sent[0]!.partition} ${sent[0]!.offset} customer-1 {"order":1,"total":42} source=example`,
        `${sent[1]!.partition} ${sent[1]!.offset} customer-2 {"order":2,"total":7} source=example`,
        `${sent[2]!.partition} ${sent[2]!.offset} customer-1 {"order":3,"total":19} source=example`,
      ]);
      assert.equal(sent[0]!.partition, sent[2]!.partition, "one key, one partition");
      // Every streamed reading arrived once, and each sensor's readings share a partition.
      const readings = lines.filter((l) => / sensor-\d reading \d+ $/.test(l));
      const values = readings.map((l) => Number(/reading (\d+)/.exec(l)![1])).sort((a, b) => a - b);
      assert.deepEqual(values, Array.from({ length: 10_000 }, (_, i) => i));
      const partitionOf = new Map<string, Set<string>>();
      for (const l of readings) {
        const [p, , key] = l.split(" ");
        partitionOf.set(key!, (partitionOf.get(key!) ?? new Set()).add(p!));
      }
      assert.equal(partitionOf.size, 10);
      for (const [key, ps] of partitionOf) assert.equal(ps.size, 1, key);
    } finally {
      await admin.deleteTopics([topic]).catch(() => {});
    }
  });
}

for (
  const [runtime, args] of [
    ["deno", ["run", "-A", "examples/consume.ts"]],
    ["bun", ["examples/consume.ts"]],
  ] as const
) {
  test(`examples/consume.ts prints every record kcat produced and stops at the end, under ${runtime}`, async () => {
    await requireBroker();
    await using client = await Client.connect({ brokers: brokerList() });
    const admin = new Admin(client);
    const topic = uniqueTopic("example-consume");
    // Three partitions, one of them left empty: the example must stop without a record from it.
    await admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
    try {
      const input = (p: number) =>
        Array.from({ length: 50 }, (_, i) => i % 5 === 0 ? `keyless ${p}-${i}` : `k${i}:v${p}-${i}`)
          .join("\n") + "\n";
      for (const p of [0, 1]) {
        await kcat([
          "-P",
          "-b",
          brokerList(),
          "-t",
          topic,
          "-p",
          String(p),
          "-K",
          ":",
          "-H",
          `p=${p}`,
        ], {
          input: input(p),
        });
      }
      // It must stop at the end by itself: past timeoutMs, run() fails the test.
      const r = await run(`${ROOT}node_modules/.bin/${runtime}`, [...args, topic], {
        cwd: ROOT,
        env: { KAFKA_BROKERS: brokerList() },
        timeoutMs: 30_000,
      });
      assert.equal(r.code, 0, r.stderr);
      const lines = new TextDecoder().decode(r.stdout).split("\n").filter(Boolean);
      assert.equal(lines.at(-1), `read 100 records from ${topic}`);

      // What kcat reads, in the example's layout (kcat -Z prints a null key as NULL).
      const expected = new TextDecoder().decode(
        await kcat([
          "-C",
          "-b",
          brokerList(),
          "-t",
          topic,
          "-e",
          "-q",
          "-Z",
          "-f",
          "%t/%p@%o %k: %s [%h]\n",
        ]),
      ).split("\n").filter(Boolean).map((l) => l.replace(" NULL: ", " (null): "));
      assert.equal(expected.length, 100);
      const records = lines.slice(0, -1);
      assert.deepEqual([...records].sort(), [...expected].sort());
      // Each partition's records in offset order.
      for (const p of [0, 1]) {
        const offsets = records.filter((l) => l.startsWith(`${topic}/${p}@`))
          .map((l) => Number(/@(\d+) /.exec(l)![1]));
        assert.deepEqual(offsets, Array.from({ length: 50 }, (_, i) => i), `partition ${p}`);
      }
    } finally {
      await admin.deleteTopics([topic]).catch(() => {});
    }
  });
}
