// Copyright 2026 the kanal authors. MIT license.
// Records and consumer groups against the real broker, with GetOffsetShell and
// ConsumerGroupCommand as the oracle.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { AdminError } from "../lib/admin/admin_error.ts";
import { Client } from "../lib/client/client.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat, uniqueTopic } from "./_tools.ts";
import { brokerTool } from "./_harness.ts";

async function produce(topic: string, partition: number, n: number): Promise<void> {
  const input = Array.from({ length: n }, (_, i) => `r${i}`).join("\n") + "\n";
  await kcat(["-b", brokerList(), "-t", topic, "-p", String(partition), "-P"], { input });
}

test("deleteRecords and listOffsets agree with GetOffsetShell, per partition", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("adm-rec");
  await admin.createTopics([{ name: topic, partitions: 2 }]);
  try {
    await produce(topic, 0, 10);
    await produce(topic, 1, 3);
    const err = await admin.deleteRecords([
      { topic, partition: 0, offset: 4 },
      { topic, partition: 9, offset: 1 },
      { topic, partition: 1, offset: -1 },
    ]).then(() => assert.fail("partition 9 does not exist"), (e: unknown) => e);
    assert.ok(err instanceof AdminError);
    assert.deepEqual(err.results.map((r) => [r.name, r.error?.errorName ?? r.value]), [
      [`${topic}/0`, { topic, partition: 0, lowWatermark: 4 }],
      [`${topic}/9`, "UNKNOWN_TOPIC_OR_PARTITION"],
      [`${topic}/1`, { topic, partition: 1, lowWatermark: 3 }],
    ]);
    const [earliest, latest] = await Promise.all([
      brokerTool("GetOffsetShell", ["--topic", topic, "--time", "-2"]),
      brokerTool("GetOffsetShell", ["--topic", topic, "--time", "-1"]),
    ]);
    const listed = await admin.listOffsets([0, 1].flatMap((partition) => [
      { topic, partition, spec: "earliest" as const },
      { topic, partition, spec: "latest" as const },
    ]));
    const mine = (i: number) => `${topic}:${listed[i]!.partition}:${listed[i]!.offset}`;
    assert.deepEqual(earliest.trim().split("\n").sort(), [mine(0), mine(2)]);
    assert.deepEqual(latest.trim().split("\n").sort(), [mine(1), mine(3)]);
    assert.deepEqual(listed.map((o) => o.offset), [4, 10, 3, 3]);
  } finally {
    await admin.deleteTopics([topic]).catch(() => {}); // cleanup only
  }
});

test("group offsets, lag and deletion agree with ConsumerGroupCommand, both ways", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("adm-grp");
  const [theirs, mine, missing] = [
    uniqueTopic("g-theirs"),
    uniqueTopic("g-mine"),
    uniqueTopic("g-none"),
  ];
  await admin.createTopics([{ name: topic, partitions: 2 }]);
  try {
    await produce(topic, 0, 10);
    await produce(topic, 1, 6);
    // The tool makes a group (offsets only, no members); kanal reads it.
    await brokerTool("ConsumerGroupCommand", [
      "--reset-offsets",
      "--group",
      theirs,
      "--topic",
      topic,
      "--to-offset",
      "3",
      "--execute",
    ]);
    const listed = await admin.listGroups();
    assert.deepEqual(
      listed.filter((g) => g.groupId === theirs).map((g) => [g.state, g.type]),
      [["Empty", "classic"]],
    );
    assert.ok((await admin.listGroups({ states: ["Stable"] })).every((g) => g.groupId !== theirs));
    assert.deepEqual(
      (await admin.listGroupOffsets(theirs)).map((o) => [o.partition, o.offset]),
      [[0, 3], [1, 3]],
    );
    assert.deepEqual((await admin.groupLag(theirs)).map((l) => [l.partition, l.end, l.lag]), [
      [0, 10, 7],
      [1, 6, 3],
    ]);
    const [described] = await admin.describeGroups([theirs]);
    assert.equal(described?.state, "Empty");
    assert.deepEqual(described?.members, []);

    // kanal makes a group; the tool reads it.
    await admin.alterGroupOffsets(mine, [
      { topic, partition: 0, offset: 5 },
      { topic, partition: 1, offset: 1 },
    ]);
    const seen = await brokerTool("ConsumerGroupCommand", [
      "--describe",
      "--group",
      mine,
      "--offsets",
    ]);
    const rows = seen.split("\n").filter((l) => l.includes(topic)).map((l) =>
      l.trim().split(/\s+/)
    );
    assert.deepEqual(rows.map((r) => r.slice(2, 6)).sort(), [
      ["0", "5", "10", "5"],
      ["1", "1", "6", "5"],
    ]);
    await admin.deleteGroupOffsets(mine, [{ topic, partition: 1 }]);
    assert.deepEqual((await admin.listGroupOffsets(mine)).map((o) => o.partition), [0]);

    // Deleting: one missing group fails alone.
    const err = await admin.deleteGroups([theirs, missing, mine]).then(
      () => assert.fail("a missing group must fail"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AdminError);
    assert.deepEqual(err.results.map((r) => r.error?.errorName ?? null), [
      null,
      "GROUP_ID_NOT_FOUND",
      null,
    ]);
    const left = await brokerTool("ConsumerGroupCommand", ["--list"]);
    assert.ok(!left.split("\n").includes(theirs) && !left.split("\n").includes(mine), left);
  } finally {
    await admin.deleteTopics([topic]).catch(() => {}); // cleanup only
  }
});
