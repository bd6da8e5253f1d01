// Copyright 2026 the kanal authors. MIT license.
// kanal-test: once — it moves replicas on the shared 3-node cluster and checks them with Kafka's JVM
// tools; the admin client's runtime paths run under both runners in the other admin suites.
// Reassignments, leader elections and log dirs on the three-node cluster, with TopicCommand,
// ReassignPartitionsCommand and LogDirsCommand as the oracle.
import { test } from "./_test.ts";
import { poll } from "./_wait.ts";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { kafkaToolRun } from "./_harness.ts";

const list = (): string => clusterBrokers().map((b) => `${b.host}:${b.port}`).join(",");

async function tool(cls: string, args: string[]): Promise<string> {
  const r = await kafkaToolRun(cls, ["--bootstrap-server", list(), ...args]);
  assert.equal(r.code, 0, `${cls} ${args.join(" ")}:\n${r.stderr}`);
  return r.stdout;
}

test("on the 3-node cluster kanal moves replicas and elects leaders as the tools see, and the reverse", async () => {
  for (const b of clusterBrokers()) await requireBroker(b);
  await using client = await Client.connect({ brokers: list() });
  const admin = new Admin(client);
  const [mine, theirs] = [uniqueTopic("adm-move"), uniqueTopic("adm-move-t")];
  await admin.createTopics([
    { name: mine, assignments: [[1, 2]] },
    { name: theirs, assignments: [[1, 2]] },
  ]);
  try {
    // kanal moves the replicas; TopicCommand sees the new set once the move is done.
    await admin.alterPartitionReassignments([{ topic: mine, partition: 0, replicas: [3, 2] }]);
    await poll(
      "the move to finish",
      async () =>
        (await admin.listPartitionReassignments([{ topic: mine, partition: 0 }])).length === 0
          ? true
          : undefined,
    );
    // The preferred replica (3) takes the lead when kanal asks.
    const elected = await admin.electLeaders("preferred", [{ topic: mine, partition: 0 }]);
    assert.ok(
      elected.every((r) => r.error === null || r.error.errorName === "ELECTION_NOT_NEEDED"),
      String(elected.map((r) => r.error)),
    );
    const described = await tool("TopicCommand", ["--describe", "--topic", mine]);
    assert.match(described, /Partition: 0\s+Leader: 3\s+Replicas: 3,2\s/);

    // ReassignPartitionsCommand moves the other topic; kanal sees the result.
    const dir = fileURLToPath(new URL("../.kafka-harness/tmp/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}${theirs}.json`;
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        partitions: [{ topic: theirs, partition: 0, replicas: [2, 3] }],
      }),
    );
    await tool("org.apache.kafka.tools.reassign.ReassignPartitionsCommand", [
      "--reassignment-json-file",
      file,
      "--execute",
    ]);
    const moved = await poll("kanal to see the tool's move", async () => {
      const [t] = await admin.describeTopics([theirs]);
      const p = t?.partitions[0];
      return p && p.replicas.join(",") === "2,3" && p.isr.length === 2 ? p : undefined;
    });
    assert.deepEqual([...moved.replicas], [2, 3]);

    // Log dirs of every broker, as LogDirsCommand lists them.
    const dirs = await admin.describeLogDirs({ partitions: [{ topic: mine, partition: 0 }] });
    const ours = dirs.flatMap((d) => d.replicas.map((r) => `${d.broker} ${r.topic}-${r.partition}`))
      .sort();
    const json = JSON.parse(
      (await tool("LogDirsCommand", ["--describe", "--topic-list", mine])).split("\n").find((l) =>
        l.startsWith("{")
      )!,
    ) as { brokers: { broker: number; logDirs: { partitions: { partition: string }[] }[] }[] };
    const theirsDirs = json.brokers.flatMap((b) =>
      b.logDirs.flatMap((d) => d.partitions.map((p) => `${b.broker} ${p.partition}`))
    ).sort();
    assert.deepEqual(ours, [`2 ${mine}-0`, `3 ${mine}-0`]);
    assert.deepEqual(ours, theirsDirs);
  } finally {
    await admin.deleteTopics([mine, theirs]).catch(() => {}); // cleanup only
  }
});
