// Copyright 2026 the kanal authors. MIT license.
// KIP-392 on the real 3-node cluster (started with KAFKA_RACKS=1: node N in rack rN, Kafka's
// RackAwareReplicaSelector): a consumer in a follower's rack is sent to that follower by the
// leader, fetches from it, and reads every record right.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { Consumer } from "../lib/consumer/consumer.ts";
import { Producer } from "../lib/producer/producer.ts";
import { clusterBrokers, requireBroker } from "./_kafka.ts";
import { withTopic } from "./_topics.ts";

const CLUSTER = clusterBrokers().map((b) => `${b.host}:${b.port}`).join(",");

test("a consumer fetches from the replica in its rack (KIP-392)", { timeout: 30_000 }, async () => {
  await requireBroker(clusterBrokers()[0]);
  await withTopic(
    { partitions: 1, replicationFactor: 3, brokers: CLUSTER },
    async (topic, client: Client) => {
      const meta = await client.refreshMetadata([topic]);
      const racks = new Map([...meta.brokers.values()].map((b) => [b.nodeId, b.rack]));
      if ([...racks.values()].some((r) => r === null)) {
        throw new Error(
          "The cluster's brokers have no racks: start it with KAFKA_RACKS=1 scripts/kafka.sh up --nodes 3",
        );
      }
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
