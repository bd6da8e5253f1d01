// Copyright 2026 the kanal authors. MIT license.
// exactlyOnce (issue 17) through a rebalance on the real broker: a second member joins while the
// first is mid-stream, partitions move (the first member's transactions on them are fenced by
// their generation, KIP-447), and the output read with read_committed (kcat) still holds each
// input record once, in order per partition. Under both group protocols.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { GroupConsumer } from "../lib/group/group_consumer.ts";
import { exactlyOnce } from "../lib/eos/exactly_once.ts";
import { Producer } from "../lib/producer/producer.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat } from "./_tools.ts";
import { withTopics } from "./_topics.ts";
import { until } from "./_wait.ts";

const PARTITIONS = 3;
const BATCHES = 20;
const PER_BATCH = 10;

async function committedValues(topic: string, partition: number): Promise<string[]> {
  const out = await kcat([
    "-b",
    brokerList(),
    "-t",
    topic,
    "-p",
    String(partition),
    "-C",
    "-e",
    "-q",
    "-X",
    "isolation.level=read_committed",
    "-X",
    "fetch.wait.max.ms=10",
    "-f",
    "%s\\n",
  ], { timeoutMs: 30_000 });
  return new TextDecoder().decode(out).split("\n").filter(Boolean);
}

for (const protocol of ["classic", "consumer"] as const) {
  test(`exactlyOnce through a rebalance (${protocol} protocol): each record once, in order`, async () => {
    await requireBroker();
    await withTopics({ count: 2, partitions: PARTITIONS, prefix: "eos" }, async ([i, o], admin) => {
      const input = i!.name, output = o!.name;
      const expected: string[][] = Array.from({ length: PARTITIONS }, () => []);
      {
        await using producer = new Producer(admin, { lingerMs: 0 });
        for (let b = 0; b < BATCHES; b++) {
          await Promise.all(expected.map((list, p) => {
            const values = Array.from(
              { length: PER_BATCH },
              (_, k) => `p${p}-${b * PER_BATCH + k}`,
            );
            list.push(...values);
            return producer.send(values.map((value) => ({ topic: input, partition: p, value })));
          }));
        }
      }
      const groupId = `eos-${protocol}-${input}`;
      let committed = 0;
      const byMember: Record<string, number> = { a: 0, b: 0 };
      const member = async (name: string, stop: AbortSignal) => {
        await using client = await Client.connect({ brokers: brokerList() });
        await using producer = new Producer(client, { transactionalId: `${groupId}-${name}` });
        await using group = new GroupConsumer(client, {
          groupId,
          topics: [input],
          protocol,
          startOffset: "oldest",
          sessionTimeoutMs: 6000,
          heartbeatIntervalMs: 500,
          // One input batch per chunk: many small transactions, so the rebalance falls among them.
          consumer: { isolationLevel: "read_committed", maxPartitionBytes: 1 },
        });
        await exactlyOnce({
          group,
          producer,
          signal: stop,
          // A slow transform keeps the first member mid-stream while the second joins.
          transform: async (chunk) => {
            await new Promise((r) => setTimeout(r, 20));
            return chunk.records.map((r) => ({
              topic: output,
              partition: chunk.partition,
              value: r.value,
            }));
          },
          onCommit: (chunk) => {
            committed += chunk.records.length;
            byMember[name]! += chunk.records.length;
          },
        });
      };
      const stopA = new AbortController(), stopB = new AbortController();
      const a = member("a", stopA.signal);
      let b: Promise<void> | undefined;
      try {
        await until("the first member's first transactions", () => committed >= 3 * PER_BATCH);
        b = member("b", stopB.signal);
        await until(
          "every input record's copy committed",
          async () => {
            let n = 0;
            for (let p = 0; p < PARTITIONS; p++) n += (await committedValues(output, p)).length;
            return n >= PARTITIONS * BATCHES * PER_BATCH;
          },
          90_000,
          500,
        );
      } finally {
        stopA.abort();
        stopB.abort();
        await Promise.all([a, b]);
      }
      // Both members committed transactions: partitions moved mid-stream.
      assert.ok(byMember.a! > 0 && byMember.b! > 0, JSON.stringify(byMember));
      for (let p = 0; p < PARTITIONS; p++) {
        assert.deepEqual(await committedValues(output, p), expected[p], `partition ${p}`);
      }
    });
  });
}
