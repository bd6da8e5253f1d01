// Copyright 2026 the kanal authors. MIT license.
// kanal-test: once — it SIGKILLs the coordinator's broker for 30 s on the shared 3-node cluster; the
// group's runtime paths run under both runners in group_test.ts and lib/group/group_faults_test.ts.
// Issue 14, item 8 on the real 3-node cluster: the group coordinator's broker is SIGKILLed and
// kept down for 30 s while two members consume a topic that a producer keeps writing. The
// group must go on consuming on the surviving brokers (finding the coordinator Kafka moved),
// process every record at least once, and never move a commit backwards. Prints its figures
// (recorded in docs/reliability.md).
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { GroupConsumer } from "../lib/group/group_consumer.ts";
import { Producer } from "../lib/producer/producer.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { killNode, restartNode } from "./_harness.ts";
import { assertCommitsNeverBack, sampleCommits, withTopic } from "./_topics.ts";
import { until } from "./_wait.ts";

const OUTAGE_MS = 30_000;
const SESSION_MS = 10_000;

test("the coordinator's broker killed for 30 s: the group consumes on", {
  timeout: 120_000,
}, async () => {
  const seeds = clusterBrokers();
  await requireBroker(seeds[0]!);
  const brokers = seeds.map((b) => `${b.host}:${b.port}`).join(",");
  await withTopic({ partitions: 6, replicationFactor: 3, brokers, prefix: "coordkill" }, async (
    topic,
    admin,
  ) => {
    const groupId = `coordkill-${Date.now()}`;
    const connect = () => Client.connect({ brokers, requestTimeoutMs: 5000 });
    await using producerClient = await connect();
    await using clientA = await connect();
    await using clientB = await connect();
    const seen = new Set<number>();
    let lastSeenAt = 0;
    const onRecord = (v: Uint8Array | null) => {
      seen.add(Number(new TextDecoder().decode(v!)));
      lastSeenAt = Date.now();
    };
    const members = [clientA, clientB].map((client) =>
      new GroupConsumer(client, {
        groupId,
        topics: [topic],
        startOffset: "oldest",
        sessionTimeoutMs: SESSION_MS,
        heartbeatIntervalMs: 1000,
        autoCommitIntervalMs: 500,
      })
    );
    const reading = members.map(async (m) => {
      for await (const chunk of m.records()) for (const r of chunk.records) onRecord(r.value);
    });
    // The producer writes a numbered record every 10 ms throughout.
    await using producer = new Producer(producerClient);
    let sent = 0;
    let producing = true;
    const writing = (async () => {
      while (producing) {
        const n = sent++;
        await producer.send({ topic, value: String(n) });
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const sampler = sampleCommits(admin, groupId, topic, 6, 200);
    try {
      await until("the group consumes", () => seen.size >= 100, 60_000);
      const coordinator = await clientA.coordinator(groupId);
      const killedAt = Date.now();
      await killNode(coordinator);
      const before = seen.size;
      let longestGap = 0;
      let resumedAfter = -1;
      // Through the outage: watch consumption go on.
      while (Date.now() - killedAt < OUTAGE_MS) {
        const gap = Date.now() - lastSeenAt;
        if (gap > longestGap) longestGap = gap;
        if (resumedAfter < 0 && seen.size > before && lastSeenAt > killedAt) {
          resumedAfter = Date.now() - killedAt;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const duringOutage = seen.size - before;
      await restartNode(coordinator);
      producing = false;
      await writing;
      await until("every record processed", () => seen.size >= sent, 60_000);
      const samples = await sampler.stop();
      assertCommitsNeverBack(samples);
      console.log(
        `coordinator node ${coordinator} down ${OUTAGE_MS} ms: ${duringOutage} records ` +
          `consumed during the outage, first after ${resumedAfter} ms, longest gap ` +
          `${longestGap} ms; ${sent} records sent, ${seen.size} distinct processed; ` +
          `${samples.length} commit samples, none backwards`,
      );
      // Records processed while the coordinator's broker was still down: the group settled on
      // the surviving brokers (how soon is a figure for docs/reliability.md, not an assertion).
      assert.ok(duringOutage > 0, "consumption went on during the outage");
      assert.ok(resumedAfter >= 0, "consumption resumed while the broker was down");
      for (let i = 0; i < sent; i++) assert.ok(seen.has(i), `record ${i} was processed`);
    } finally {
      producing = false;
      await writing;
      await Promise.all(members.map((m) => m.close()));
      await Promise.all(reading);
      await sampler.stop(0).catch(() => []);
    }
  });
});
