// Copyright 2026 the kanal authors. MIT license.
// Admin basics against the real broker: create, list, describe, delete, with kcat as witness.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat, uniqueTopic } from "./_tools.ts";

test("admin creates, lists and deletes topics, and kcat agrees", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("admin");
  const [created] = await admin.createTopics([
    { name: topic, partitions: 4, replicationFactor: 1, configs: { "retention.ms": "3600000" } },
  ]);
  assert.equal(created?.partitions, 4);
  assert.ok((await admin.listTopics()).includes(topic));
  const json = JSON.parse(
    new TextDecoder().decode(await kcat(["-b", brokerList(), "-L", "-t", topic, "-J"])),
  );
  assert.equal(json.topics[0].partitions.length, 4);
  // Leaders are ready: a produce works at once.
  await kcat(["-b", brokerList(), "-t", topic, "-p", "3", "-P"], { input: "x\n" });

  await assert.rejects(admin.createTopics([{ name: topic, partitions: 1 }]), (e) => {
    assert.ok(e instanceof KafkaError);
    assert.equal(e.errorName, "TOPIC_ALREADY_EXISTS");
    assert.match(e.message, new RegExp(topic));
    return true;
  });
  await admin.deleteTopics([topic]);
  let listed = true;
  for (let i = 0; i < 50 && listed; i++) {
    listed = (await admin.listTopics()).includes(topic);
    if (listed) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(listed, false, "deleted topic is gone");
  await assert.rejects(admin.deleteTopics([topic]), { errorName: "UNKNOWN_TOPIC_OR_PARTITION" });
});

test("admin describes the cluster as metadata does", async () => {
  const broker = await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const d = await new Admin(client).describeCluster();
  assert.equal(d.clusterId, client.metadata.clusterId);
  assert.ok(d.brokers.some((b) => b.port === broker.port));
  assert.ok(d.controllerId >= 0);
});

test("admin refuses bad topic settings before sending", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  await assert.rejects(
    admin.createTopics([{ name: "x", replicationFactor: 0 }]),
    /replicationFactor must be -1 or at least 1/,
  );
  await assert.rejects(admin.createTopics([{ name: "" }]), /has no name/);
  await assert.rejects(
    admin.createTopics([{ name: "bad/name", partitions: 1 }]),
    { errorName: "INVALID_TOPIC_EXCEPTION" },
  );
});
