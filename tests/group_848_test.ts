// Copyright 2026 the kanal authors. MIT license.
// The KIP-848 consumer group protocol against the 4.x broker, members in separate processes:
// one owner per partition, a killed member's partitions move, every record is processed at
// least once, and commits never go backwards.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { GroupConsumer } from "../lib/group/group_consumer.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { Producer } from "../lib/producer/producer.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { Member, processedBy } from "./group/_member.ts";
import { until } from "./_wait.ts";
import { committed } from "./_topics.ts";

const PARTITIONS = 6;

test("KIP-848 members split partitions one owner each, survive a kill, and deliver at least once", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const topic = uniqueTopic("g848");
  const group = uniqueTopic("g848");
  await new Admin(client).createTopics([{
    name: topic,
    partitions: PARTITIONS,
    replicationFactor: 1,
  }]);
  const args = [
    "--brokers",
    brokerList(),
    "--group",
    group,
    "--topic",
    topic,
    "--protocol",
    "consumer",
  ];
  const ms = [new Member(args), new Member(args), new Member(args)];
  const split = (list: typeof ms, each: number) => {
    const seen = new Map<number, number>();
    for (const m of list) for (const p of m.owned()) seen.set(p, (seen.get(p) ?? 0) + 1);
    return seen.size === PARTITIONS && [...seen.values()].every((n) => n === 1) &&
      list.every((m) => m.owned().size === each);
  };
  try {
    await until("three members to split six partitions", () => split(ms, 2), 60_000);
    // The broker's own view agrees. ConsumerGroupDescribe only knows KIP-848 groups, so this
    // also proves the members did not fall back to the classic protocol.
    const coordinator = await client.coordinator(group);
    const described = await client.request(coordinator, API_TABLE[69], {
      groupIds: [group],
      includeAuthorizedOperations: false,
    });
    const g = described.groups[0]!;
    assert.equal(g.errorCode, 0);
    assert.equal(g.members.length, 3);
    const parts = g.members.flatMap((m) =>
      m.assignment.topicPartitions.flatMap((t) => t.partitions)
    ).sort();
    assert.deepEqual(parts, [0, 1, 2, 3, 4, 5]);
    assert.ok(g.members.every((m) => m.memberEpoch > 0));

    await using producer = new Producer(client);
    await producer.send(
      Array.from({ length: 600 }, (_, i) => ({ topic, value: `${i}`, partition: i % PARTITIONS })),
    );
    ms[1]!.kill("SIGKILL");
    const survivors = [ms[0]!, ms[2]!];
    await until("the killed member's partitions to move", () => split(survivors, 3), 30_000);
    await producer.send(
      Array.from({ length: 600 }, (_, i) => ({ topic, value: `${i}`, partition: i % PARTITIONS })),
    );
    const processed = () => processedBy(ms);
    await until("every record to be processed", () => {
      const m = processed();
      return [...Array(PARTITIONS).keys()].every((p) => (m.get(p)?.size ?? 0) >= 200);
    }, 30_000);
    for (const m of survivors) m.kill("SIGTERM");
    await Promise.all(survivors.map((m) => m.exited));
    assert.deepEqual(
      await committed(client, group, topic, PARTITIONS),
      [200, 200, 200, 200, 200, 200],
      "everything committed at close",
    );
  } finally {
    for (const m of ms) m.kill("SIGKILL");
  }
});

test("a KIP-848 member names itself (ConsumerGroupHeartbeat v1) and the broker knows it by that id", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const topic = uniqueTopic("g848id");
  const group = uniqueTopic("g848id");
  await new Admin(client).createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
  const coordinator = await client.coordinator(group);
  const conn = await client.connection(coordinator);
  assert.ok(conn.versions.version(API_TABLE[68].info.key) >= 1, "the broker and kanal speak v1");
  await using member = new GroupConsumer(client, {
    groupId: group,
    topics: [topic],
    protocol: "consumer",
    heartbeatIntervalMs: 500,
  });
  // The first claim, or the error that ended the member (a v1 heartbeat without a member id is
  // refused with INVALID_REQUEST).
  const reader = member.claims.getReader();
  const first = await reader.read();
  reader.releaseLock();
  assert.equal(first.done, false);
  assert.equal(first.value.topic, topic);
  assert.match(member.memberId, /^[A-Za-z0-9_-]{22}$/, "a Kafka UUID chosen by the member");
  const described = await client.request(coordinator, API_TABLE[69], {
    groupIds: [group],
    includeAuthorizedOperations: false,
  });
  assert.deepEqual(described.groups[0]!.members.map((m) => m.memberId), [member.memberId]);
});
