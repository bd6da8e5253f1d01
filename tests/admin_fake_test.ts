// Copyright 2026 the kanal authors. MIT license.
// kanal's admin against the fake cluster (lib/testing), for every operation the fake
// implements: topics (with a partial failure), partitions, configs, records, offsets and groups.
// The fake's own state is the witness; the conformance suite holds the fake to the real broker.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin, AdminError } from "../lib/admin/mod.ts";
import { Client } from "../lib/client/client.ts";
import { GroupConsumer } from "../lib/group/group_consumer.ts";
import { Producer } from "../lib/producer/producer.ts";
import { FakeCluster } from "../lib/testing/mod.ts";
import { until } from "./_wait.ts";

async function open(): Promise<{ cluster: FakeCluster; client: Client; admin: Admin }> {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: "taken" }] });
  const client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  return { cluster, client, admin: new Admin(client) };
}

test("admin on the fake cluster: topics, partitions and configs, with each item's own outcome", async () => {
  const { cluster, client, admin } = await open();
  await using _c = cluster;
  await using _ = client;
  // One bad topic among good ones: every item's outcome is kept.
  const err = await admin.createTopics([
    { name: "a", partitions: 3 },
    { name: "taken", partitions: 1 },
    { name: "b", partitions: 2 },
  ]).catch((e: unknown) => e);
  assert.ok(err instanceof AdminError, String(err));
  assert.equal(err.errorName, "TOPIC_ALREADY_EXISTS");
  assert.deepEqual(err.results.map((r) => [r.name, r.error?.errorName ?? null]), [
    ["a", null],
    ["taken", "TOPIC_ALREADY_EXISTS"],
    ["b", null],
  ]);
  assert.equal(cluster.state.topics.get("a")?.partitions.length, 3);
  assert.equal(cluster.state.topics.get("b")?.partitions.length, 2);

  await admin.createPartitions([{ topic: "b", count: 4 }]);
  assert.equal(cluster.state.topics.get("b")?.partitions.length, 4);
  const described = await admin.describeTopics(["a", "b"]);
  assert.deepEqual(described.map((t) => [t.name, t.partitions.length]), [["a", 3], ["b", 4]]);

  await admin.alterConfigs([{
    resource: { type: "topic", name: "a" },
    changes: [{ name: "retention.ms", value: "60000" }],
  }]);
  const [configs] = await admin.describeConfigs([{ type: "topic", name: "a" }], {
    keys: ["retention.ms"],
  });
  assert.equal(configs?.entries.find((e) => e.name === "retention.ms")?.value, "60000");

  assert.deepEqual((await admin.listTopics()).filter((t) => t !== "taken").sort(), ["a", "b"]);
  assert.deepEqual(await admin.deleteTopics(["a"]), ["a"]);
  assert.equal(cluster.state.topics.has("a"), false);
  assert.equal((await admin.describeCluster()).brokers.length, 3);
  assert.deepEqual(cluster.faults, []);
});

test("admin on the fake cluster: records, offsets and groups", async () => {
  const { cluster, client, admin } = await open();
  await using _c = cluster;
  await using _ = client;
  await admin.createTopics([{ name: "t", partitions: 2 }]);
  {
    await using producer = new Producer(client);
    await producer.send(
      Array.from({ length: 10 }, (_, i) => ({ topic: "t", value: `${i}`, partition: 0 })),
    );
  }
  const [latest] = await admin.listOffsets([{ topic: "t", partition: 0, spec: "latest" }]);
  assert.equal(latest?.offset, 10);
  const [deleted] = await admin.deleteRecords([{ topic: "t", partition: 0, offset: 4 }]);
  assert.equal(deleted?.lowWatermark, 4);
  const [earliest] = await admin.listOffsets([{ topic: "t", partition: 0, spec: "earliest" }]);
  assert.equal(earliest?.offset, 4);

  // A group with a member, then without: listed and described; an empty group's offsets set,
  // read and the group deleted.
  // Classic: the fake has no ConsumerGroupDescribe for a KIP-848 group.
  const member = new GroupConsumer(client, {
    groupId: "g",
    topics: ["t"],
    startOffset: "oldest",
    protocol: "classic",
  });
  const reader = member.records().getReader();
  let read = 0;
  while (read < 6) read += (await reader.read()).value?.records.length ?? 0;
  reader.releaseLock();
  assert.deepEqual((await admin.listGroups()).map((g) => g.groupId), ["g"]);
  const [group] = await admin.describeGroups(["g"]);
  assert.equal(group?.state, "Stable");
  assert.equal(group?.members.length, 1);
  await member.close();
  await until("the group to be empty", async () => {
    const [g] = await admin.describeGroups(["g"]);
    return g?.state === "Empty";
  }, 10_000);
  await admin.alterGroupOffsets("g", [{ topic: "t", partition: 0, offset: 7 }]);
  assert.equal(cluster.groups.committed("g", "t", 0)?.offset, 7n);
  const offsets = await admin.listGroupOffsets("g", [{ topic: "t", partition: 0 }]);
  assert.deepEqual(offsets.map((o) => o.offset), [7]);
  assert.deepEqual(await admin.deleteGroups(["g"]), ["g"]);
  assert.deepEqual(await admin.listGroups(), []);
  assert.deepEqual(cluster.faults, []);
});
