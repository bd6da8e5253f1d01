// Copyright 2026 the kanal authors. MIT license.
// Topic administration against the real broker, with Kafka's TopicCommand and ConfigCommand as
// the oracle.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { AdminError } from "../lib/admin/admin_error.ts";
import { Client } from "../lib/client/client.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { brokerTool } from "./_harness.ts";

test("createTopics keeps every topic's result when one of them fails", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const [a, taken, b] = [uniqueTopic("adm-a"), uniqueTopic("adm-taken"), uniqueTopic("adm-b")];
  await brokerTool("TopicCommand", ["--create", "--topic", taken, "--partitions", "1"]);
  try {
    const err = await admin.createTopics([
      { name: a, partitions: 2 },
      { name: taken, partitions: 1 },
      { name: b, partitions: 3 },
    ]).then(() => assert.fail("a topic that exists must fail"), (e: unknown) => e);
    assert.ok(err instanceof AdminError, `an AdminError, not ${err}`);
    assert.equal(err.errorName, "TOPIC_ALREADY_EXISTS");
    assert.deepEqual(err.results.map((r) => [r.name, r.error?.errorName ?? null]), [
      [a, null],
      [taken, "TOPIC_ALREADY_EXISTS"],
      [b, null],
    ]);
    assert.equal((err.results[2]?.value as { partitions: number }).partitions, 3);
    // The good ones exist as TopicCommand sees them.
    const described = await brokerTool("TopicCommand", ["--describe", "--topic", `${a}|${b}`]);
    assert.match(described, new RegExp(`Topic: ${a}\\s.*PartitionCount: 2`));
    assert.match(described, new RegExp(`Topic: ${b}\\s.*PartitionCount: 3`));
  } finally {
    await admin.deleteTopics([a, taken, b]).catch(() => {}); // cleanup: a failure here is not the test's subject
  }
});

test("topics and configs kanal makes are what TopicCommand and ConfigCommand see, and the reverse", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const [mine, theirs] = [uniqueTopic("adm-mine"), uniqueTopic("adm-theirs")];
  try {
    // kanal -> tools: a replica assignment, configs, then two more partitions and a config change.
    await admin.createTopics([{
      name: mine,
      assignments: [[1], [1]],
      configs: { "cleanup.policy": "compact" },
    }]);
    await admin.createPartitions([{ topic: mine, count: 4 }]);
    await admin.alterConfigs([{
      resource: { type: "topic", name: mine },
      changes: [{ name: "retention.ms", value: "4242000" }, {
        name: "cleanup.policy",
        op: "delete",
      }],
    }]);
    // tools -> kanal: a topic with a config, made by TopicCommand.
    await brokerTool("TopicCommand", [
      "--create",
      "--topic",
      theirs,
      "--partitions",
      "3",
      "--config",
      "max.message.bytes=65536",
    ]);
    const [topics, configs] = await Promise.all([
      brokerTool("TopicCommand", ["--describe", "--topic", mine]),
      brokerTool("ConfigCommand", ["--entity-type", "topics", "--entity-name", mine, "--describe"]),
    ]);
    assert.match(topics, /PartitionCount: 4/);
    assert.equal([...topics.matchAll(/Partition: \d+\s+Leader: 1\s+Replicas: 1\s/g)].length, 4);
    assert.match(configs, /retention\.ms=4242000/);
    assert.doesNotMatch(configs, /cleanup\.policy=compact/);

    const [described] = await admin.describeTopics([theirs], { includeAuthorizedOperations: true });
    assert.equal(described?.partitions.length, 3);
    assert.deepEqual(described?.partitions.map((p) => p.partition), [0, 1, 2]);
    assert.ok(described?.authorizedOperations?.includes("READ"));
    const [cfg] = await admin.describeConfigs([{ type: "topic", name: theirs }]);
    const entry = cfg?.entries.find((e) => e.name === "max.message.bytes");
    assert.deepEqual(entry && [entry.value, entry.source], ["65536", "DYNAMIC_TOPIC_CONFIG"]);
    const broker = await admin.describeConfigs([{ type: "broker", name: "1" }], {
      keys: ["num.partitions"],
    });
    assert.deepEqual(broker[0]?.entries.map((e) => [e.name, e.value]), [["num.partitions", "1"]]);
  } finally {
    await admin.deleteTopics([mine, theirs]).catch(() => {}); // cleanup only
  }
});

test("alterConfigs and createPartitions keep the good resources' results when one fails", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const good = uniqueTopic("adm-good");
  const missing = uniqueTopic("adm-missing");
  await admin.createTopics([{ name: good, partitions: 1 }]);
  try {
    const err = await admin.alterConfigs([
      {
        resource: { type: "topic", name: missing },
        changes: [{ name: "retention.ms", value: "1000" }],
      },
      {
        resource: { type: "topic", name: good },
        changes: [{ name: "retention.ms", value: "7000" }],
      },
      {
        resource: { type: "broker", name: "1" },
        changes: [{ name: "log.retention.ms", value: "not-a-number" }],
      },
    ]).then(() => assert.fail("must fail"), (e: unknown) => e);
    assert.ok(err instanceof AdminError);
    assert.deepEqual(err.results.map((r) => r.error?.errorName ?? null), [
      "UNKNOWN_TOPIC_OR_PARTITION",
      null,
      "INVALID_REQUEST",
    ]);
    const grown = await admin.createPartitions([
      { topic: good, count: 2 },
      { topic: missing, count: 2 },
    ]).then(() => assert.fail("must fail"), (e: unknown) => e);
    assert.ok(grown instanceof AdminError);
    assert.deepEqual(grown.results.map((r) => r.error?.errorName ?? null), [
      null,
      "UNKNOWN_TOPIC_OR_PARTITION",
    ]);
    const seen = await brokerTool("ConfigCommand", [
      "--entity-type",
      "topics",
      "--entity-name",
      good,
      "--describe",
    ]);
    assert.match(seen, /retention\.ms=7000/);
    assert.equal((await admin.describeTopics([good]))[0]?.partitions.length, 2);
  } finally {
    await admin.deleteTopics([good]).catch(() => {}); // cleanup only
  }
});
