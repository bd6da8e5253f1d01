// Copyright 2026 the kanal authors. MIT license.
// KIP-320 on the real broker: a group's commit stores the leader epoch of the record the offset
// follows, as Kafka's own OffsetFetch answers it (read below the client, over tests/_wire.ts).
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Producer } from "../lib/producer/producer.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { GroupConsumer } from "../lib/group/group_consumer.ts";
import { requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { withTopic } from "./_topics.ts";
import { call } from "./_wire.ts";

test("a group's commit stores the leader epoch of the record the offset follows", {
  timeout: 60_000,
}, async () => {
  await requireBroker();
  await withTopic({ partitions: 1 }, async (topic, client) => {
    await using producer = new Producer(client);
    await producer.send(Array.from({ length: 3 }, (_, i) => ({ topic, value: `v${i}` })));
    const epoch = (await client.refreshMetadata([topic])).topics.get(topic)!.partitions[0]!
      .leaderEpoch;
    assert.ok(epoch >= 0, `the broker reports leader epoch ${epoch}`);
    const groupId = uniqueTopic("g");
    const group = new GroupConsumer(client, {
      groupId,
      topics: [topic],
      startOffset: "oldest",
      autoCommitIntervalMs: 0,
    });
    const reader = group.records().getReader();
    let seen = 0;
    while (seen < 3) seen += (await reader.read()).value!.records.length;
    await reader.cancel(); // marks what was read, commits it, leaves
    await group.close();

    const coordinator = client.metadata.brokers.get(await client.coordinator(groupId))!;
    const res = await call({ host: coordinator.host, port: coordinator.port }, API_TABLE[9], 8, {
      groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0] }] }],
      requireStable: true,
    });
    const p = res.groups![0]!.topics[0]!.partitions[0]!;
    assert.equal(p.errorCode, 0);
    assert.equal(p.committedOffset, 3n);
    assert.equal(p.committedLeaderEpoch, epoch);
  });
});
