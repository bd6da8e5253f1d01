// Copyright 2026 the kanal authors. MIT license.
// kanal-test: once — its oracles are Kafka's JVM tools, the same under either runner; the admin
// client's runtime paths run under both runners in the other admin suites.
// Quotas, SCRAM, features, the quorum, log dirs, elections, reassignments, transactions and
// delegation tokens against the single broker, with Kafka's own tools as the oracle.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Admin } from "../lib/admin/admin.ts";
import { AdminError } from "../lib/admin/admin_error.ts";
import { Client } from "../lib/client/client.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { run, uniqueTopic } from "./_tools.ts";
import { brokerTool, kafkaToolRun } from "./_harness.ts";

test("quotas and SCRAM credentials: what kanal sets ConfigCommand sees, and the reverse", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const [alice, bob, nobody] = [uniqueTopic("alice"), uniqueTopic("bob"), uniqueTopic("nobody")];
  try {
    await admin.alterClientQuotas([{ entity: { user: alice }, set: { producer_byte_rate: 1024 } }]);
    await admin.alterUserScramCredentials({
      upsertions: [{ user: alice, password: "secret", iterations: 8192 }],
    });
    // The tool alters quotas and SCRAM credentials in separate calls.
    await Promise.all(
      ["consumer_byte_rate=2048", "SCRAM-SHA-512=[password=pw]"].map((c) =>
        brokerTool("ConfigCommand", [
          "--alter",
          "--entity-type",
          "users",
          "--entity-name",
          bob,
          "--add-config",
          c,
        ])
      ),
    );
    const seen = await brokerTool("ConfigCommand", [
      "--describe",
      "--entity-type",
      "users",
      "--entity-name",
      alice,
    ]);
    assert.match(seen, /producer_byte_rate=1024/);
    assert.match(seen, /SCRAM-SHA-256=iterations=8192/);

    const quotas = await admin.describeClientQuotas([{ entityType: "user", match: bob }]);
    assert.deepEqual(quotas, [{ entity: { user: bob }, values: { consumer_byte_rate: 2048 } }]);
    const err = await admin.describeUserScramCredentials([alice, bob, nobody]).then(
      () => assert.fail("a user without credentials must fail"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AdminError);
    assert.deepEqual(
      err.results.map((r) => r.error?.errorName ?? r.value),
      [
        { user: alice, credentials: [{ mechanism: "SCRAM-SHA-256", iterations: 8192 }] },
        { user: bob, credentials: [{ mechanism: "SCRAM-SHA-512", iterations: 4096 }] },
        "RESOURCE_NOT_FOUND",
      ],
    );
  } finally {
    // Cleanup; a failure here does not change what the test saw.
    await admin.alterClientQuotas([
      { entity: { user: alice }, remove: ["producer_byte_rate"] },
      { entity: { user: bob }, remove: ["consumer_byte_rate"] },
    ]).catch(() => {});
    await admin.alterUserScramCredentials({
      deletions: [{ user: alice }, { user: bob, mechanism: "SCRAM-SHA-512" }],
    }).catch(() => {});
  }
});

test("features, quorum and log dirs match FeatureCommand, MetadataQuorumCommand and LogDirsCommand", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("adm-dirs");
  await admin.createTopics([{ name: topic, partitions: 2 }]);
  try {
    const [features, quorum, dirs] = await Promise.all([
      brokerTool("FeatureCommand", ["describe"]),
      brokerTool("MetadataQuorumCommand", ["describe", "--status"]),
      brokerTool("LogDirsCommand", ["--describe", "--topic-list", topic]),
    ]);
    const mine = await admin.describeFeatures();
    for (const [name, level] of Object.entries(mine.finalized)) {
      if (name === "metadata.version") continue; // the tool prints it as a release name
      assert.match(
        features,
        new RegExp(
          `Feature: ${name.replaceAll(".", "\\.")}\\s.*FinalizedVersionLevel: ${level.max}\\s`,
        ),
      );
    }
    assert.ok(Object.keys(mine.finalized).includes("transaction.version"));
    const q = await admin.describeQuorum();
    assert.match(quorum, new RegExp(`LeaderId:\\s+${q.leaderId}\\n`));
    const voters = JSON.parse(/CurrentVoters:\s+(.*)/.exec(quorum)![1]!) as { id: number }[];
    assert.deepEqual(q.voters.map((v) => v.nodeId), voters.map((v) => v.id));
    assert.ok(q.highWatermark > 0);

    const json = JSON.parse(dirs.split("\n").find((l) => l.startsWith("{"))!) as {
      brokers: {
        broker: number;
        logDirs: { logDir: string; partitions: { partition: string }[] }[];
      }[];
    };
    const theirs = json.brokers.flatMap((b) =>
      b.logDirs.flatMap((d) => d.partitions.map((p) => `${b.broker} ${d.logDir} ${p.partition}`))
    ).sort();
    const ours = (await admin.describeLogDirs({
      partitions: [0, 1].map((partition) => ({ topic, partition })),
    }))
      .flatMap((d) => d.replicas.map((r) => `${d.broker} ${d.path} ${r.topic}-${r.partition}`))
      .sort();
    assert.equal(ours.length, 2);
    assert.deepEqual(ours, theirs);
  } finally {
    await admin.deleteTopics([topic]).catch(() => {}); // cleanup only
  }
});

test("elections and reassignments on one node: nothing to do, as LeaderElectionCommand says", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("adm-elect");
  await admin.createTopics([{ name: topic, partitions: 1 }]);
  try {
    const results = await admin.electLeaders("preferred", [{ topic, partition: 0 }, {
      topic,
      partition: 7,
    }]);
    assert.deepEqual(results.map((r) => [r.name, r.error?.errorName ?? null]).sort(), [
      [`${topic}/0`, "ELECTION_NOT_NEEDED"],
      [`${topic}/7`, "UNKNOWN_TOPIC_OR_PARTITION"],
    ]);
    const tool = await brokerTool("LeaderElectionCommand", [
      "--election-type",
      "preferred",
      "--topic",
      topic,
      "--partition",
      "0",
    ]);
    assert.match(tool, new RegExp(`Valid replica already elected for partitions ${topic}-0`));
    // A move to the same single replica completes at once; nothing is left in progress.
    await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: [1] }]);
    assert.deepEqual(await admin.listPartitionReassignments([{ topic, partition: 0 }]), []);
    const bad = await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: [9] }])
      .then(() => assert.fail("broker 9 does not exist"), (e: unknown) => e);
    assert.ok(
      bad instanceof AdminError && bad.errorName === "INVALID_REPLICA_ASSIGNMENT",
      String(bad),
    );
  } finally {
    await admin.deleteTopics([topic]).catch(() => {}); // cleanup only
  }
});

test("an open transaction: kanal lists, describes and aborts it, and TransactionsCommand agrees", async () => {
  await requireBroker();
  const root = fileURLToPath(new URL("../", import.meta.url));
  const lib = `${root}.kafka-harness/lib-4.2.2`;
  assert.ok(existsSync(`${lib}/kafka-clients-4.2.2.jar`), "fetch the jars: scripts/kafka.sh jars");
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("adm-txn");
  const txnId = `${topic}-t`;
  await admin.createTopics([{ name: topic, partitions: 1 }]);
  try {
    const java = await run(process.env.JAVA ?? "java", [
      `-Dlog4j2.configurationFile=${root}.kafka-harness/log4j2.properties`,
      "-XX:TieredStopAtLevel=1",
      "-cp",
      `${lib}/*`,
      `${root}tests/java/OpenTxn.java`,
      brokerList(),
      topic,
      txnId,
    ], { timeoutMs: 120_000 });
    assert.match(new TextDecoder().decode(java.stdout), /^open 0$/m, java.stderr);

    const listed = await admin.listTransactions({ states: ["Ongoing"] });
    const mine = listed.find((t) => t.transactionalId === txnId);
    assert.equal(mine?.state, "Ongoing");
    const [described] = await admin.describeTransactions([txnId]);
    assert.deepEqual(described?.partitions, [{ topic, partition: 0 }]);
    assert.equal(described?.producerId, mine?.producerId);
    const [producers] = await admin.describeProducers([{ topic, partition: 0 }]);
    const open = producers?.find((p) => p.producerId === mine?.producerId);
    assert.equal(open?.currentTxnStartOffset, 0);

    const hanging = await brokerTool("TransactionsCommand", ["list"]);
    assert.match(hanging, new RegExp(`${txnId}\\s+\\d+\\s+${mine?.producerId}\\s+Ongoing`));

    await admin.abortTransaction({
      topic,
      partition: 0,
      producerId: open!.producerId,
      producerEpoch: open!.producerEpoch,
      coordinatorEpoch: open!.coordinatorEpoch,
    });
    const after = await brokerTool("TransactionsCommand", [
      "describe-producers",
      "--topic",
      topic,
      "--partition",
      "0",
    ]);
    const row = after.split("\n").find((l) => l.startsWith(String(open!.producerId)));
    assert.ok(row, after);
    assert.equal(row.trim().split(/\s+/).at(-1), "None", `no open transaction left:\n${after}`);
    const [again] = await admin.describeProducers([{ topic, partition: 0 }]);
    assert.equal(again?.find((p) => p.producerId === open!.producerId)?.currentTxnStartOffset, -1);
  } finally {
    await admin.deleteTopics([topic]).catch(() => {}); // cleanup only
  }
});

test("delegation tokens over PLAINTEXT fail typed, as DelegationTokenCommand does", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  await assert.rejects(admin.createDelegationToken(), {
    name: "KafkaError",
    errorName: "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
  });
  await assert.rejects(admin.describeDelegationTokens(), {
    errorName: "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
  });
  const tool = await kafkaToolRun("DelegationTokenCommand", [
    "--bootstrap-server",
    brokerList(),
    "--describe",
    "--command-config",
    "/dev/null",
  ]);
  assert.match(
    tool.stdout + tool.stderr,
    /UnsupportedByAuthenticationException: Delegation Token requests are not allowed on PLAINTEXT/,
  );
});
