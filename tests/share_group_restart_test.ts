// Copyright 2026 the kanal authors. MIT license.
// kanal-test: once — it restarts the shared single broker, which would disturb every other suite;
// the share consumer's runtime paths are covered under both runners by share_group_test.ts.
// A broker restart reopens the share session without losing a record (KIP-932).
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { ShareConsumer } from "../lib/share/share_consumer.ts";
import { kafkaSh } from "./_harness.ts";
import { requireBroker } from "./_kafka.ts";
import { next, produce, shareGroup } from "./_share.ts";
import { withTopic } from "./_topics.ts";

test(
  "a broker restart reopens the share session and loses no record",
  { timeout: 240_000 },
  async () => {
    await requireBroker();
    await withTopic({ partitions: 1, prefix: "share-restart" }, async (topic, client) => {
      const group = await shareGroup(client);
      await produce(client, topic, 0, 10);
      await using c = new ShareConsumer(client, { groupId: group, topics: [topic] });
      const reader = c.records.getReader();
      const seen = new Set<number>();
      while (seen.size < 10) for (const r of (await next(reader)).records) seen.add(r.offset);
      await c.commit();
      const kill = await kafkaSh(["kill", "1", "--nodes", "1"]);
      assert.equal(kill.code, 0, kill.stderr);
      const restart = await kafkaSh(["restart", "1", "--nodes", "1"]);
      assert.equal(restart.code, 0, restart.stderr);
      await produce(client, topic, 10, 10);
      while (seen.size < 20) {
        for (const r of (await next(reader, 90_000)).records) seen.add(r.offset);
      }
      assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(20).keys()]);
      const fetcher = c.stages().find((s) => s.name === "shareFetcher");
      assert.ok((fetcher?.counters.sessionReopens ?? 0) >= 1, c.dumpStages());
      reader.releaseLock();
    });
  },
);
