// Copyright 2026 the kanal authors. MIT license.
// Issue 17 on the real 3-node cluster: the transaction coordinator's broker is SIGKILLed with a
// transaction open. Its commit must go through on the coordinator Kafka elects next, the
// transactions after it too while the broker is down, and a read_committed reader (kcat) must
// see every committed record exactly once.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { killNode, restartNode } from "./_harness.ts";
import { kcat } from "./_tools.ts";
import { withTopic } from "./_topics.ts";
import { until } from "./_wait.ts";

const PER_TXN = 100;

test(
  "the transaction coordinator's broker killed mid-transaction: the commit lands on the next one",
  {
    timeout: 180_000,
  },
  async () => {
    const seeds = clusterBrokers();
    await requireBroker(seeds[0]!);
    const brokers = seeds.map((b) => `${b.host}:${b.port}`).join(",");
    await withTopic({ partitions: 3, replicationFactor: 3, brokers, prefix: "txkill" }, async (
      topic,
    ) => {
      const transactionalId = `txkill-${topic}`;
      await using client = await Client.connect({ brokers, requestTimeoutMs: 5000 });
      await using producer = new Producer(client, { transactionalId, requestTimeoutMs: 5000 });
      const batch = (txn: number) =>
        Array.from({ length: PER_TXN }, (_, i) => ({
          topic,
          key: String(i),
          value: `${txn}-${i}`,
        }));
      const sendAll = async (txn: number) => {
        const reports = await producer.send(batch(txn));
        for (const r of reports) assert.equal(r.error, undefined, String(r.error));
      };
      await producer.transaction(() => sendAll(0));
      await producer.beginTransaction();
      await sendAll(1);
      const coordinator = await client.coordinator(transactionalId, "transaction");
      await killNode(coordinator);
      const killedAt = Date.now();
      try {
        await producer.commitTransaction();
        // A figure for the record, not an assertion.
        console.log(
          `coordinator node ${coordinator} killed: committed ${Date.now() - killedAt} ms later`,
        );
        // And on, with the broker still down.
        await producer.transaction(() => sendAll(2));
      } finally {
        await restartNode(coordinator);
      }
      const expected = [0, 1, 2].flatMap((t) => batch(t).map((r) => r.value)).sort();
      let seen: string[] = [];
      await until(
        "every committed record",
        async () => {
          const out = await kcat([
            "-C",
            "-b",
            brokers,
            "-t",
            topic,
            "-e",
            "-q",
            "-X",
            "isolation.level=read_committed",
            "-f",
            "%s\\n",
          ], { timeoutMs: 30_000 });
          seen = new TextDecoder().decode(out).split("\n").filter(Boolean).sort();
          return seen.length >= expected.length;
        },
        60_000,
        500,
      ).catch(() => {});
      assert.deepEqual(seen, expected, "each committed record exactly once");
    });
  },
);
