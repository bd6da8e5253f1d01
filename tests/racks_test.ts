// Copyright 2026 the kanal authors. MIT license.
// Racks on the real 3-node cluster (started with KAFKA_RACKS=1: node N in rack rN, Kafka's
// RackAwareReplicaSelector). KIP-392: a consumer in a follower's rack is sent to that follower
// by the leader, fetches from it, and reads every record right. KIP-881: group members get the
// partitions whose replicas are in their racks.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { Consumer } from "../lib/consumer/consumer.ts";
import { GroupConsumer } from "../lib/group/group_consumer.ts";
import { Producer } from "../lib/producer/producer.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { withTopic } from "./_topics.ts";
import { uniqueTopic } from "./_tools.ts";
import { until } from "./_wait.ts";

const CLUSTER = clusterBrokers().map((b) => `${b.host}:${b.port}`).join(",");

/** The topic's metadata and each broker's rack; fails when the cluster was started without. */
async function rackedMetadata(client: Client, topic: string) {
  const meta = await client.refreshMetadata([topic]);
  const racks = new Map([...meta.brokers.values()].map((b) => [b.nodeId, b.rack]));
  if ([...racks.values()].some((r) => r === null)) {
    throw new Error(
      "The cluster's brokers have no racks: start it with KAFKA_RACKS=1 scripts/kafka.sh up --nodes 3",
    );
  }
  return { meta, racks };
}

test("a consumer fetches from the replica in its rack (KIP-392)", { timeout: 30_000 }, async () => {
  await requireBroker(clusterBrokers()[0]);
  await withTopic(
    { partitions: 1, replicationFactor: 3, brokers: CLUSTER },
    async (topic, client: Client) => {
      const { meta, racks } = await rackedMetadata(client, topic);
      const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
      {
        await using producer = new Producer(client, { acks: "all" });
        await producer.send(values.map((value) => ({ topic, partition: 0, value })));
      }
      const leader = (await client.leaderFor(topic, 0)).nodeId;
      const info = meta.topics.get(topic)!.partitions[0]!;
      const follower = info.replicas.find((n) => n !== leader)!;
      await using consumer = new Consumer(client, { rack: racks.get(follower)!, maxWaitMs: 100 });
      const stream = consumer.partition(topic, 0, { offset: "oldest" });
      const seen: string[] = [];
      for await (const chunk of stream) {
        for (const r of chunk.records) seen.push(new TextDecoder().decode(r.value!));
        if (seen.length >= values.length) break;
      }
      assert.deepEqual(seen, values);
      // The stage dump: the partition reads from the follower, whose fetcher carried the bytes.
      assert.equal(stream.stage.counters.readReplica, follower);
      const fetcher = consumer.stages().find((s) =>
        s.name === "subscriptionConsumer" && s.role.endsWith(`broker ${follower}`)
      );
      assert.ok((fetcher?.counters.bytes ?? 0) > 0, JSON.stringify(consumer.stages()));
    },
  );
});

test("group members get the partitions in their racks (KIP-881)", { timeout: 60_000 }, async () => {
  await requireBroker(clusterBrokers()[0]);
  await withTopic(
    { partitions: 4, replicationFactor: 1, brokers: CLUSTER },
    async (topic, client) => {
      const { meta, racks } = await rackedMetadata(client, topic);
      const byRack = new Map<string, number[]>();
      for (const p of meta.topics.get(topic)!.partitions) {
        const rack = racks.get(p.replicas[0]!)!;
        byRack.set(rack, [...(byRack.get(rack) ?? []), p.partition].sort());
      }
      // Four partitions over three racks: one rack holds two of them, never two in a row (Kafka
      // places them round the brokers), so a range that ignored racks could not give them.
      const [twoRack, two] = [...byRack].find(([, ps]) => ps.length === 2)!;
      const oneRack = [...byRack].find(([, ps]) => ps.length === 1)![0];
      const groupId = uniqueTopic("racks");
      // Each member its own client: two members' JoinGroups on one connection would queue.
      await using other = await Client.connect({ brokers: CLUSTER });
      const member = (rack: string, on: Client) =>
        new GroupConsumer(on, {
          groupId,
          topics: [topic],
          heartbeatIntervalMs: 200,
          sessionTimeoutMs: 6000,
          consumer: { rack },
        });
      await using a = member(twoRack, client);
      await using b = member(oneRack, other);
      const owned = (g: GroupConsumer) => g.assignment()[0]?.partitions ?? [];
      await until(
        "both members settled",
        () => owned(a).length === 2 && owned(b).length === 2 && a.generationId === b.generationId,
      );
      assert.deepEqual(owned(a), two);
    },
  );
});
