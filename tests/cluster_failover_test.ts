// Copyright 2026 the kanal authors. MIT license.
// The client on the three-node cluster: three brokers in metadata, a leader for every
// partition, and the new leader found after the old one is SIGKILLed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { run, uniqueTopic } from "./_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const harness = (...args: string[]) =>
  run(`${ROOT}scripts/kafka.sh`, [...args, "--nodes", "3"], { timeoutMs: 200_000 });

test("on the 3-node cluster the client finds a new leader after the old one is killed", async () => {
  const seeds = clusterBrokers();
  await requireBroker(seeds[0]!);
  await using client = await Client.connect({
    brokers: seeds.map((b) => `${b.host}:${b.port}`),
    requestTimeoutMs: 5000,
  });
  // A node restarted by an earlier test may still be registering.
  for (let i = 0; i < 100 && client.metadata.brokers.size < 3; i++) {
    await new Promise((r) => setTimeout(r, 200));
    await client.refreshMetadata(null);
  }
  assert.equal(client.metadata.brokers.size, 3, "three brokers");
  const topic = uniqueTopic("failover");
  const created = await client.request("any", API_TABLE[19], {
    topics: [{ name: topic, numPartitions: 3, replicationFactor: 3, assignments: [], configs: [] }],
    timeoutMs: 15_000,
  });
  assert.equal(created.topics[0]?.errorCode, 0, created.topics[0]?.errorMessage ?? "");
  let meta = await client.refreshMetadata([topic]);
  const unready = () => {
    const t = meta.topics.get(topic);
    return t === undefined || t.partitions.length < 3 || t.partitions.some((p) => p.leader < 0);
  };
  for (let i = 0; i < 100 && unready(); i++) {
    await new Promise((r) => setTimeout(r, 200));
    meta = await client.refreshMetadata([topic]);
  }
  const partitions = meta.topics.get(topic)!.partitions;
  assert.equal(partitions.length, 3);
  for (const p of partitions) {
    assert.ok(p.leader >= 1 && p.leader <= 3, `partition ${p.partition} has a leader`);
    assert.equal(p.replicas.length, 3);
  }
  const old = (await client.leaderFor(topic, 0)).nodeId;
  const killed = await harness("kill", String(old));
  assert.equal(killed.code, 0, killed.stderr);
  try {
    // Failure detection takes the broker session timeout (3 s in the harness).
    let leader = old;
    for (let i = 0; i < 100 && (leader === old || leader < 0); i++) {
      await new Promise((r) => setTimeout(r, 200));
      const m = await client.refreshMetadata([topic]).catch(() => undefined);
      leader = m?.topics.get(topic)?.partitions[0]?.leader ?? -1;
    }
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
    const restarted = await harness("restart", String(old));
    assert.equal(restarted.code, 0, restarted.stderr);
  }
});
