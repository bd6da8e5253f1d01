// Copyright 2026 the kanal authors. MIT license.
// KafkaJS's own partitioners are the oracle: for many keys of every length, kanal's KafkaJS
// layer must pick the partition KafkaJS picks, with the default (Java's murmur2) and the legacy
// (KafkaJS 1.x's) partitioner.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Partitioners } from "./partitioners.ts";

const require = createRequire(import.meta.url);
// KafkaJS is a dev dependency: the oracle, never imported by the library.
const kafkajs = require("kafkajs") as {
  Partitioners: Record<string, () => (a: unknown) => number>;
};

function keys(): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = ["", "a", "key-1", "kafka", "ünïcødé ✓", "🙂🙂🙂"];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (let i = 0; i < 2000; i++) {
    const bytes = new Uint8Array(next() % 40);
    for (let j = 0; j < bytes.length; j++) bytes[j] = next() & 0xff;
    out.push(i % 2 === 0 ? bytes : `user-${next()}`);
  }
  return out;
}

for (
  const name of ["DefaultPartitioner", "LegacyPartitioner", "JavaCompatiblePartitioner"] as const
) {
  test(`${name} places every keyed message where KafkaJS's does`, async () => {
    const { Buffer } = await import("node:buffer");
    for (const count of [1, 3, 7, 64]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
        partitionId,
        leader: 1,
      }));
      const ours = Partitioners[name]();
      const theirs = kafkajs.Partitioners[name]!();
      for (const key of keys()) {
        const k = typeof key === "string" ? key : Buffer.from(key);
        const want = theirs({ topic: "t", partitionMetadata, message: { key: k } });
        const got = ours({ topic: "t", partitionMetadata, message: { key } });
        assert.equal(
          got,
          want,
          `key ${JSON.stringify(typeof key === "string" ? key : [...key])} of ${count}`,
        );
      }
    }
  });
}

test("keyless messages go round robin over the partitions that have a leader", () => {
  const partition = Partitioners.DefaultPartitioner();
  const partitionMetadata = [
    { partitionId: 0, leader: 1 },
    { partitionId: 1, leader: -1 },
    { partitionId: 2, leader: 2 },
  ];
  const seen = Array.from(
    { length: 6 },
    () => partition({ topic: "t", partitionMetadata, message: {} }),
  );
  assert.ok(!seen.includes(1), `no message to the leaderless partition: ${seen}`);
  for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], `${seen}`);
  assert.equal(partition({ topic: "t", partitionMetadata, message: { partition: 1 } }), 1);
});
