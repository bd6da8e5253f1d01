// Copyright 2026 the kanal authors. MIT license.
// GroupRunner on the real broker: eachBatch over three partitions, two at a time, then the
// offsets the group committed, read back from the coordinator.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { GroupConsumer, GroupRunner } from "../lib/group/mod.ts";
import { Producer } from "../lib/producer/producer.ts";
import { requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { committed, withTopic } from "./_topics.ts";
import { until } from "./_wait.ts";

test("GroupRunner handles every record once and commits where it stopped", async () => {
  await requireBroker();
  await withTopic({ partitions: 3 }, async (topic, client) => {
    {
      await using producer = new Producer(client);
      await producer.send(
        Array.from({ length: 30 }, (_, i) => ({ topic, partition: i % 3, value: `${i}` })),
      );
    }
    const groupId = uniqueTopic("runner");
    const seen: string[] = [];
    const runner = new GroupRunner(
      new GroupConsumer(client, { groupId, topics: [topic], startOffset: "oldest" }),
      {
        partitionsConsumedConcurrently: 2,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          for (const r of batch.records) {
            seen.push(new TextDecoder().decode(r.value!));
            resolveOffset(r.offset);
          }
          await commitOffsetsIfNecessary();
        },
      },
    );
    await until("every record handled", () => seen.length >= 30);
    await runner.stop();
    assert.deepEqual(
      [...seen].sort((a, b) => Number(a) - Number(b)),
      Array.from({ length: 30 }, (_, i) => `${i}`),
    );
    assert.deepEqual(await committed(client, groupId, topic, 3), [10, 10, 10]);
  });
});
