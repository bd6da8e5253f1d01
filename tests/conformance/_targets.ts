// Copyright 2026 the kanal authors. MIT license.
/**
 * The two clusters the conformance suite runs against: kanal's fake cluster (in memory) and the
 * real broker at KAFKA_BROKERS. Each behaviour is one function run against both with the same
 * expectations; where they differ, the fake is wrong.
 *
 * @module
 */

import type { ApiCodec } from "../../lib/protocol/messages/api_table.ts";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { ErrorCode } from "../../lib/protocol/error_codes.ts";
import { FakeCluster } from "../../lib/testing/fake_cluster.ts";
import { brokers, requireBroker } from "../_kafka.ts";
import { call } from "../_wire.ts";

/** One cluster to run a behaviour against. */
export interface Target extends AsyncDisposable {
  /** `fake` or `kafka`. */
  readonly name: string;
  /** One raw request to the (single) broker. */
  call<Req, Res>(api: ApiCodec<Req, Res>, version: number, body: Req): Promise<Res>;
}

/** The targets' names, in the order tests run. */
export const TARGETS: readonly string[] = ["fake", "kafka"];

/** Opens a target: a fresh single-broker fake, or the real broker (which must be up). */
export async function openTarget(name: string): Promise<Target> {
  if (name === "fake") {
    const cluster = await FakeCluster.start();
    return {
      name,
      call: (api, version, body) => cluster.call(api, version, body),
      [Symbol.asyncDispose]: async () => {
        const faults = [...cluster.faults];
        await cluster.close();
        if (faults.length > 0) throw new Error(`the fake faulted: ${faults.join("; ")}`);
      },
    };
  }
  const broker = await requireBroker(brokers()[0]!);
  return {
    name,
    call: (api, version, body) => call(broker, api, version, body),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

/** A topic name no other run uses (the real broker keeps topics between runs). */
export function freshTopic(prefix: string): string {
  return `conf-${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * Creates a topic and waits until Metadata shows a leader for every partition (a real broker
 * elects them a moment after CreateTopics answers). Returns the topic id.
 */
export async function createTopic(t: Target, name: string, partitions = 1): Promise<string> {
  const res = await t.call(API_TABLE[19], 7, {
    topics: [{
      name,
      numPartitions: partitions,
      replicationFactor: 1,
      assignments: [],
      configs: [],
    }],
    timeoutMs: 10_000,
  });
  const r = res.topics[0]!;
  if (r.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${r.errorCode}`);
  for (let i = 0; i < 100; i++) {
    const meta = await t.call(API_TABLE[3], 12, {
      topics: [{ name }],
      allowAutoTopicCreation: false,
    });
    const topic = meta.topics[0]!;
    if (
      topic.errorCode === 0 && topic.partitions.length === partitions &&
      topic.partitions.every((p) => p.leaderId >= 0)
    ) {
      return r.topicId!;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`topic ${name} has no leaders`);
}

/**
 * Finds the coordinator of a group (`keyType` 0) or transactional id (1), as a client does before
 * talking to it, retrying while it is not available yet: on a fresh broker this call is what
 * creates `__consumer_offsets` or `__transaction_state`, and until then every broker answers the
 * group's or transaction's requests with NOT_COORDINATOR.
 */
export async function findCoordinator(t: Target, keyType: 0 | 1, key: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let code = -1;
  while (Date.now() < deadline) {
    const r = await t.call(API_TABLE[10], 6, { keyType, coordinatorKeys: [key] });
    code = r.coordinators![0]!.errorCode;
    if (code === 0) return;
    if (
      code !== ErrorCode.COORDINATOR_NOT_AVAILABLE &&
      code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    ) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`FindCoordinator for ${key} still answers error ${code}`);
}
