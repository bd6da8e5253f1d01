// Copyright 2026 the kanal authors. MIT license.
// Topic administration against the real broker, with Kafka's TopicCommand and ConfigCommand as
// the oracle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { AdminError } from "../lib/admin/admin_error.ts";
import { Client } from "../lib/client/client.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { kafkaTool } from "./_admin_helpers.ts";

test("createTopics keeps every topic's result when one of them fails", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const [a, taken, b] = [uniqueTopic("adm-a"), uniqueTopic("adm-taken"), uniqueTopic("adm-b")];
  await kafkaTool("TopicCommand", ["--create", "--topic", taken, "--partitions", "1"]);
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
    const described = await kafkaTool("TopicCommand", ["--describe", "--topic", `${a}|${b}`]);
    assert.match(described, new RegExp(`Topic: ${a}\\s.*PartitionCount: 2`));
    assert.match(described, new RegExp(`Topic: ${b}\\s.*PartitionCount: 3`));
  } finally {
    await admin.deleteTopics([a, taken, b]).catch(() => {}); // cleanup: a failure here is not the test's subject
  }
});
