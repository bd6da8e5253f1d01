// Copyright 2026 the kanal authors. MIT license.
// Web APIs only: the workerd worker, the Deno/Bun/Node program in tests/node/ and
// tests/transport_test.ts all run this same code, each with its own runtime's transport.
/**
 * What kanal's client sees of the cluster, as plain JSON: one bootstrap, a topic's metadata
 * from the broker the bootstrap named, that topic's leader, and what is left running after
 * `close()`.
 *
 * @module
 */

import { Client } from "../../lib/client/client.ts";
import { detectRuntime } from "../../lib/net/runtime.ts";
import type { Transport } from "../../lib/net/transport.ts";

/** A broker as a test compares it. */
export interface ViewBroker {
  id: number;
  host: string;
  port: number;
}

/** A partition as a test compares it. */
export interface ViewPartition {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** The cluster as kanal's client saw it, and the client's stages around `close()`. */
export interface ClusterView {
  /** The runtime kanal detected. */
  runtime: string;
  clusterId: string | null;
  controllerId: number;
  /** By id. */
  brokers: ViewBroker[];
  /** The topic's partitions, by number. */
  partitions: ViewPartition[];
  /** The broker `leaderFor(topic, 0)` named. */
  leader0: ViewBroker;
  /** Stage names while the client was open. */
  stagesOpen: string[];
  /** Stage names left once `close()` resolved: none, when close stops everything. */
  stagesAfterClose: string[];
}

/** Options for {@linkcode fetchClusterView}. */
export interface FetchClusterViewOptions {
  /** Bootstrap list, `host:port,...`. */
  brokers: string;
  /** An existing topic to describe. */
  topic: string;
  /** The transport to use; by default the client picks the runtime's own. */
  transport?: Transport;
}

/**
 * Connects a client (which fetches every topic's metadata from a bootstrap broker), refreshes
 * `topic` alone (a second Metadata request, on a connection to the broker the first answer
 * named), asks for partition 0's leader, closes the client and reports what it saw.
 */
export async function fetchClusterView(options: FetchClusterViewOptions): Promise<ClusterView> {
  const client = await Client.connect({
    brokers: options.brokers,
    transport: options.transport,
    clientId: "kanal-transport-test",
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 10_000,
  });
  let view: Omit<ClusterView, "stagesAfterClose">;
  try {
    const meta = await client.refreshMetadata([options.topic]);
    const topic = meta.topics.get(options.topic);
    if (!topic || topic.errorCode !== 0) {
      throw new Error(`topic ${options.topic}: error code ${topic?.errorCode ?? "(absent)"}`);
    }
    const leader = await client.leaderFor(options.topic, 0);
    view = {
      runtime: detectRuntime(),
      clusterId: meta.clusterId,
      controllerId: meta.controllerId,
      brokers: [...meta.brokers.values()]
        .map((b) => ({ id: b.nodeId, host: b.host, port: b.port }))
        .sort((a, b) => a.id - b.id),
      partitions: topic.partitions
        .map((p) => ({
          partition: p.partition,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
        }))
        .sort((a, b) => a.partition - b.partition),
      leader0: { id: leader.nodeId, host: leader.host, port: leader.port },
      stagesOpen: client.stages().map((s) => s.name),
    };
  } finally {
    await client.close();
  }
  return { ...view, stagesAfterClose: client.stages().map((s) => s.name) };
}
