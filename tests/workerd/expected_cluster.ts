// Copyright 2026 the kanal authors. MIT license.
/**
 * The cluster as seen from outside kanal's client, to check a {@linkcode ClusterView} against:
 * brokers, controller and partitions from `kcat -L -J`, and the cluster id (which kcat does not
 * print) from a Metadata v2 request built and decoded field by field here. Shared by
 * tests/transport_test.ts and tests/workerd_transport_test.ts; runs in the test process, never
 * in the worker.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Admin } from "../../lib/admin/admin.ts";
import { Client } from "../../lib/client/client.ts";
import { Reader } from "../../lib/protocol/reader.ts";
import { Writer } from "../../lib/protocol/writer.ts";
import { type BrokerAddress, brokerList, brokers, rawRequest } from "../_kafka.ts";
import { kcat, uniqueTopic } from "../_tools.ts";
import type { ClusterView, ViewBroker, ViewPartition } from "./cluster_view.ts";

/** What the views are checked against. */
export interface ExpectedCluster {
  clusterId: string;
  controllerId: number;
  brokers: ViewBroker[];
  partitions: ViewPartition[];
}

/** Creates a topic with `partitions` partitions on the test broker and waits for its leaders. */
export async function createTopic(prefix: string, partitions: number): Promise<string> {
  const name = uniqueTopic(prefix);
  const client = await Client.connect({ brokers: brokerList() });
  try {
    await new Admin(client).createTopics([{ name, partitions, replicationFactor: 1 }]);
  } finally {
    await client.close();
  }
  return name;
}

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    err?: string;
    partitions: {
      partition: number;
      leader: number;
      replicas: { id: number }[];
      isrs: { id: number }[];
    }[];
  }[];
}

/** `topic` and the cluster as kcat and a hand-decoded Metadata answer describe them. */
export async function expectedCluster(topic: string): Promise<ExpectedCluster> {
  const out = await kcat(["-b", brokerList(), "-L", "-J", "-t", topic]);
  const meta = JSON.parse(new TextDecoder().decode(out)) as KcatMetadata;
  const t = meta.topics.find((x) => x.topic === topic);
  assert.ok(t && !t.err, `kcat does not see ${topic}: ${JSON.stringify(meta.topics)}`);
  return {
    clusterId: await rawClusterId(brokers()[0]!),
    controllerId: meta.controllerid,
    brokers: meta.brokers.map((b) => {
      const i = b.name.lastIndexOf(":");
      return { id: b.id, host: b.name.slice(0, i), port: Number(b.name.slice(i + 1)) };
    }).sort((a, b) => a.id - b.id),
    partitions: t.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas.map((r) => r.id),
      isr: p.isrs.map((r) => r.id),
    })).sort((a, b) => a.partition - b.partition),
  };
}

/**
 * The cluster id from Metadata v2 (the first version with it; not flexible, so simple to write
 * by hand), asking for no topics.
 */
async function rawClusterId(broker: BrokerAddress): Promise<string> {
  const correlationId = 0x6b61;
  const w = new Writer();
  const size = w.reserve(4);
  w.int16(3); // Metadata
  w.int16(2);
  w.int32(correlationId);
  w.nullableString("kanal-test");
  w.int32(0); // topics: an empty array, not null (null asks for all)
  w.setInt32At(size, w.length - 4);
  const r = new Reader(await rawRequest(broker, w.toBytes()));
  assert.equal(r.int32(), correlationId);
  const n = r.int32();
  for (let i = 0; i < n; i++) {
    r.int32(); // node id
    r.string(); // host
    r.int32(); // port
    r.nullableString(); // rack
  }
  const clusterId = r.nullableString();
  assert.ok(clusterId, "the broker reports a cluster id");
  return clusterId;
}

/** Asserts that kanal's view of the cluster is the expected one and that close() stopped all. */
export function assertClusterView(view: ClusterView, expected: ExpectedCluster): void {
  assert.equal(view.clusterId, expected.clusterId, "cluster id");
  assert.deepEqual(view.brokers, expected.brokers, "brokers");
  // KRaft brokers report a random live broker as the controller; only one broker pins it down.
  if (expected.brokers.length === 1) assert.equal(view.controllerId, expected.controllerId);
  else assert.ok(view.brokers.some((b) => b.id === view.controllerId), "a known controller");
  assert.deepEqual(view.partitions, expected.partitions, "partitions, leaders, replicas, ISR");
  assert.deepEqual(
    view.leader0,
    expected.brokers.find((b) => b.id === expected.partitions[0]?.leader),
    "leaderFor(topic, 0)",
  );
  assert.ok(view.stagesOpen.includes("backgroundMetadataUpdater"), view.stagesOpen.join());
  assert.ok(view.stagesOpen.includes("responseReceiver"), view.stagesOpen.join());
  assert.deepEqual(view.stagesAfterClose, [], "close() stops every stage");
}
