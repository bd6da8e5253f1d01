// Copyright 2026 the kanal authors. MIT license.
// The generated codecs against a real broker: ApiVersions, CreateTopics, Metadata and
// ListOffsets sent at the versions negotiated with it, checked against what kcat sees.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { requireBroker } from "./_kafka.ts";
import { call, negotiate } from "./_wire.ts";
import { kcat, uniqueTopic } from "./_tools.ts";
import { poll } from "./_wait.ts";

test("ApiVersions at the negotiated version lists what the raw v3 answer lists", async () => {
  const broker = await requireBroker();
  const table = await negotiate(broker);
  const v = table.version(18);
  assert.ok(v >= 3, `ApiVersions negotiated to v${v}`);
  const res = await call(broker, API_TABLE[18], v, {
    clientSoftwareName: "kanal",
    clientSoftwareVersion: "0.1.0",
  });
  assert.equal(res.errorCode, 0);
  const fetch = res.apiKeys.find((k) => k.apiKey === 1);
  assert.equal(fetch?.minVersion, 4);
  // Features came back as tagged fields of the flexible response.
  assert.ok((res.finalizedFeatures ?? []).some((f) => f.name === "metadata.version"));
});

test("CreateTopics and Metadata at negotiated versions agree with kcat", async () => {
  const broker = await requireBroker();
  const table = await negotiate(broker);
  const topic = uniqueTopic("proto-meta");
  const created = await call(broker, API_TABLE[19], table.version(19), {
    topics: [{ name: topic, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 10_000,
  });
  assert.equal(created.topics[0]?.errorCode, 0, created.topics[0]?.errorMessage ?? "");
  const mv = table.version(3);
  assert.ok(mv >= 12, `Metadata negotiated to v${mv}`);
  // CreateTopics answers once the controller has the topic; a broker's metadata has it a moment
  // later (UNKNOWN_TOPIC_OR_PARTITION until then), as every client that creates and reads sees.
  const meta = await poll(
    "the new topic in the broker's metadata",
    async () => {
      const m = await call(broker, API_TABLE[3], mv, {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      return m.topics.find((x) => x.name === topic)?.errorCode === 3 ? undefined : m;
    },
    30_000,
    50,
  );
  assert.ok(meta.clusterId && meta.clusterId.length > 0, "cluster id");
  assert.ok(meta.brokers.some((b) => b.port === broker.port), "the broker lists itself");
  const t = meta.topics.find((x) => x.name === topic);
  assert.ok(t, "topic in metadata");
  assert.equal(t.errorCode, 0);
  assert.notEqual(t.topicId, "AAAAAAAAAAAAAAAAAAAAAA", "topic id");
  // kcat's view of the same topic: partition count and leaders.
  const json = JSON.parse(new TextDecoder().decode(
    await kcat(["-b", `${broker.host}:${broker.port}`, "-L", "-t", topic, "-J"]),
  ));
  const kt = json.topics.find((x: { topic: string }) => x.topic === topic);
  assert.equal(t.partitions.length, kt.partitions.length);
  for (const p of t.partitions) {
    const kp = kt.partitions.find((x: { partition: number }) => x.partition === p.partitionIndex);
    assert.equal(p.leaderId, kp.leader, `leader of partition ${p.partitionIndex}`);
  }
});

test("ListOffsets at the negotiated version finds earliest, latest and by-timestamp offsets", async () => {
  const broker = await requireBroker();
  const table = await negotiate(broker);
  const topic = uniqueTopic("proto-offsets");
  const b = `${broker.host}:${broker.port}`;
  // Five records stamped by kcat; the by-timestamp query uses the third record's own stamp.
  await kcat(["-b", b, "-t", topic, "-p", "0", "-P"], { input: "a\nb\nc\nd\ne\n" });
  const out = new TextDecoder().decode(
    await kcat(["-b", b, "-t", topic, "-C", "-e", "-q", "-o", "beginning", "-f", "%o %T\\n"]),
  );
  const rows = out.trim().split("\n").map((l) => l.split(" ").map(Number));
  assert.equal(rows.length, 5);
  const v = table.version(2);
  assert.ok(v >= 7, `ListOffsets negotiated to v${v}`);
  const ask = async (timestamp: bigint) => {
    const res = await call(broker, API_TABLE[2], v, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }],
    });
    const p = res.topics[0]?.partitions[0];
    assert.equal(p?.errorCode, 0);
    return p!.offset;
  };
  assert.equal(await ask(-2n), 0n, "earliest");
  assert.equal(await ask(-1n), 5n, "latest");
  // The first offset whose timestamp is at or after the third record's timestamp.
  const third = rows[2]!;
  const firstAt = rows.find((r) => r[1]! >= third[1]!)![0]!;
  assert.equal(await ask(BigInt(third[1]!)), BigInt(firstAt), "by timestamp");
});
