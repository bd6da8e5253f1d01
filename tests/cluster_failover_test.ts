// Copyright 2026 the kanal authors. MIT license.
// kanal-test: once — it SIGKILLs a node of the shared 3-node cluster; the transports' failure paths run
// under both runners in transport_test.ts.
// The client on the three-node cluster: three brokers in metadata, a leader for every
// partition, and the new leader found after the old one is SIGKILLed.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { killNode, restartNode, waitForBrokers } from "./_harness.ts";
import { until } from "./_wait.ts";

test("on the 3-node cluster the client finds a new leader after the old one is killed", async () => {
  const seeds = clusterBrokers();
  await requireBroker(seeds[0]!);
  await using client = await Client.connect({
    brokers: seeds.map((b) => `${b.host}:${b.port}`),
    requestTimeoutMs: 5000,
  });
  await waitForBrokers(client, 3);
  assert.equal(client.metadata.brokers.size, 3, "three brokers");
  const topic = uniqueTopic("failover");
  const created = await client.request("any", API_TABLE[19], {
    topics: [{ name: topic, numPartitions: 3, replicationFactor: 3, assignments: [], configs: [] }],
    timeoutMs: 15_000,
  });
  assert.equal(created.topics[0]?.errorCode, 0, created.topics[0]?.errorMessage ?? "");
  let meta = await client.refreshMetadata([topic]);
  await until(
    "every partition to have a leader",
    async () => {
      meta = await client.refreshMetadata([topic]);
      const t = meta.topics.get(topic);
      return t !== undefined && t.partitions.length === 3 &&
        t.partitions.every((p) => p.leader >= 0);
    },
    20_000,
    200,
  );
  const partitions = meta.topics.get(topic)!.partitions;
  assert.equal(partitions.length, 3);
  for (const p of partitions) {
    assert.ok(p.leader >= 1 && p.leader <= 3, `partition ${p.partition} has a leader`);
    assert.equal(p.replicas.length, 3);
  }
  const old = (await client.leaderFor(topic, 0)).nodeId;
  await killNode(old);
  try {
    // Failure detection takes the broker session timeout (3 s in the harness).
    let leader = old;
    await until(
      "leadership to move",
      async () => {
        const m = await client.refreshMetadata([topic]).catch(() => undefined);
        leader = m?.topics.get(topic)?.partitions[0]?.leader ?? -1;
        return leader !== old && leader >= 0;
      },
      20_000,
      200,
    );
    assert.notEqual(leader, old, "leadership moved");
    assert.ok(leader >= 1 && leader <= 3);
    assert.equal((await client.leaderFor(topic, 0)).nodeId, leader);
    // The new leader answers for the partition. Brokers learn of a leadership change a moment
    // apart, so NOT_LEADER_OR_FOLLOWER is retried after a refresh, as any client does.
    let code = -1;
    for (let i = 0; i < 50; i++) {
      const target = (await client.leaderFor(topic, 0)).nodeId;
      const res = await client.request(target, API_TABLE[2], {
        replicaId: -1,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
      });
      code = res.topics[0]?.partitions[0]?.errorCode ?? -1;
      if (!client.onPartitionError(code, topic)) break;
      await client.refreshMetadata([topic]);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(code, 0);
  } finally {
    await restartNode(old);
  }
});
