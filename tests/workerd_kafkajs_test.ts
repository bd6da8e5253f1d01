// Copyright 2026 the kanal authors. MIT license.
// Issue 20 on workers: KafkaJS-shaped code on kanal's KafkaJS layer in a real workerd (with
// nodejs_compat for node:buffer) produces keyed messages where KafkaJS's partitioner puts them;
// kcat finds every one at the partition the worker reported, and the admin's high watermarks
// agree.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { startWorkerd } from "./_workerd.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat, ROOT, uniqueTopic } from "./_tools.ts";

const require = createRequire(import.meta.url);
// KafkaJS is a dev dependency: its partitioner is the oracle for where each key goes.
const kafkajs = require("kafkajs") as {
  Partitioners: { DefaultPartitioner: () => (a: unknown) => number };
};

test("KafkaJS's API on kanal produces from a workerd worker", async () => {
  await requireBroker();
  const config = readFileSync(join(ROOT, "tests/workerd/config.capnp"), "utf8")
    .replace(
      'compatibilityDate = "2025-09-01",',
      'compatibilityDate = "2025-09-01",\n  compatibilityFlags = ["nodejs_compat"],',
    );
  assert.ok(config.includes("nodejs_compat"));
  const w = await startWorkerd("tests/workerd/kafkajs_worker.ts", config);
  try {
    const topic = uniqueTopic("workerd-kafkajs");
    const res = await fetch(`${w.url}?brokers=${brokerList()}&topic=${topic}`, {
      signal: AbortSignal.timeout(30_000),
    });
    const answer = await res.json() as {
      sent?: { partition: number; baseOffset: string }[];
      high?: { partition: number; high: string }[];
      error?: unknown;
    };
    assert.equal(answer.error, undefined, `${JSON.stringify(answer.error)}\n${w.stderr()}`);
    const partition = kafkajs.Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1 }));
    const keys = ["a", "b", "c", "d", "e", "f"];
    const where = keys.map((key) => partition({ topic, partitionMetadata, message: { key } }));
    const seen = new TextDecoder().decode(
      await kcat(["-C", "-b", brokerList(), "-t", topic, "-e", "-q", "-f", "%p %k %s\n"]),
    ).split("\n").filter(Boolean).sort();
    assert.deepEqual(seen, keys.map((k, i) => `${where[i]} ${k} v${i}`).sort());
    const counts = [0, 1, 2].map((p) => where.filter((x) => x === p).length);
    assert.deepEqual(answer.high, counts.map((n, p) => ({ partition: p, high: String(n) })));
    assert.deepEqual(
      answer.sent!.map((s) => s.partition),
      counts.flatMap((n, p) => n > 0 ? [p] : []),
    );
  } finally {
    await w.close();
  }
});
