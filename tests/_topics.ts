// Copyright 2026 the kanal authors. MIT license.
/**
 * Topics and committed offsets for broker-backed tests: a fresh topic made for one test and
 * deleted after it, and a group's committed offsets as the coordinator answers them.
 *
 * @module
 */

import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { waitForBrokers } from "./_harness.ts";
import { brokerList } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";

/** A topic made by {@linkcode withTopics}. */
export interface TestTopic {
  name: string;
  topicId: string;
}

/** Options for {@linkcode withTopics}. */
export interface TopicOptions {
  /** How many topics. @default {1} */
  count?: number;
  /** Partitions of each. @default {3} */
  partitions?: number;
  /** The replication factor. @default {1} */
  replicationFactor?: number;
  /** The topic name's prefix. @default {"test"} */
  prefix?: string;
  /** The bootstrap list. @default {brokerList()} */
  brokers?: string;
}

/** Runs `body` with fresh topics, deleted afterwards however `body` ends. */
export async function withTopics<T>(
  options: TopicOptions,
  body: (topics: TestTopic[], client: Client) => Promise<T>,
): Promise<T> {
  await using client = await Client.connect({
    brokers: options.brokers ?? brokerList(),
    requestTimeoutMs: 15_000,
  });
  // On the cluster, a node restarted by another test may still be registering.
  if ((options.replicationFactor ?? 1) > 1) {
    await waitForBrokers(client, options.replicationFactor!);
  }
  const admin = new Admin(client);
  const created = await admin.createTopics(
    Array.from({ length: options.count ?? 1 }, () => ({
      name: uniqueTopic(options.prefix ?? "test"),
      partitions: options.partitions ?? 3,
      replicationFactor: options.replicationFactor ?? 1,
    })),
  );
  try {
    return await body(created.map((t) => ({ name: t.name, topicId: t.topicId })), client);
  } finally {
    // The test's own outcome matters more than a failed clean-up of a uniquely named topic.
    await admin.deleteTopics(created.map((t) => t.name)).catch(() => {});
  }
}

/** Runs `body` with one fresh topic (three partitions unless told), deleted afterwards. */
export function withTopic<T>(
  options: TopicOptions,
  body: (topic: string, client: Client) => Promise<T>,
): Promise<T> {
  return withTopics({ ...options, count: 1 }, (topics, client) => body(topics[0]!.name, client));
}

/**
 * The offsets `group` has committed for partitions 0 to `partitions - 1` of `topic`, as its
 * coordinator answers OffsetFetch (-1 where none). Throws the coordinator's error, if any.
 */
export async function committed(
  client: Client,
  group: string,
  topic: string,
  partitions: number,
): Promise<number[]> {
  const indexes = [...Array(partitions).keys()];
  const res = await client.request(await client.coordinator(group), API_TABLE[9], {
    groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: indexes }] }],
    requireStable: false,
  });
  const g = res.groups?.[0];
  if (g === undefined) throw new Error("OffsetFetch answered no group");
  if ((g.errorCode ?? 0) !== 0) throw new KafkaError(g.errorCode!, { api: "OffsetFetch" });
  const parts = g.topics[0]?.partitions ?? [];
  return indexes.map((p) => {
    const x = parts.find((x) => x.partitionIndex === p);
    if (x !== undefined && x.errorCode !== 0) {
      throw new KafkaError(x.errorCode, { api: "OffsetFetch", topic, partition: p });
    }
    return Number(x?.committedOffset ?? -1n);
  });
}

/** A running {@linkcode sampleCommits}. */
export interface CommitSampler {
  /**
   * Stops sampling and resolves with every sample, oldest first. Rejects with the first error
   * a sample met that was not a retriable `KafkaError`, or when fewer than `minSamples` samples
   * succeeded: a sampler that saw nothing proves nothing.
   */
  stop(minSamples?: number): Promise<number[][]>;
}

/**
 * Samples `group`'s committed offsets for `topic` every `everyMs` until stopped. A retriable
 * error (the coordinator moving or loading) skips a sample and is counted; any other error ends
 * the sampling and is thrown by `stop()`.
 */
export function sampleCommits(
  client: Client,
  group: string,
  topic: string,
  partitions: number,
  everyMs = 100,
): CommitSampler {
  const samples: number[][] = [];
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      try {
        samples.push(await committed(client, group, topic, partitions));
      } catch (e) {
        if (!(e instanceof KafkaError && e.retriable)) {
          failure = e;
          return;
        }
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop(minSamples = 5): Promise<number[][]> {
      running = false;
      await loop;
      if (failure !== undefined) throw failure;
      if (samples.length < minSamples) {
        throw new Error(`only ${samples.length} commit samples succeeded; want ${minSamples}`);
      }
      return samples;
    },
  };
}

/**
 * Asserts that no partition's committed offset ever went back from one sample to the next,
 * and that the samples saw commits move at all (else they show nothing).
 */
export function assertCommitsNeverBack(samples: number[][]): void {
  let moved = false;
  for (let i = 1; i < samples.length; i++) {
    for (let p = 0; p < samples[i]!.length; p++) {
      const before = samples[i - 1]![p]!, now = samples[i]![p]!;
      if (now < before) {
        throw new Error(`the commit of partition ${p} went back from ${before} to ${now}`);
      }
      if (now > before) moved = true;
    }
  }
  if (!moved) throw new Error(`no commit moved in ${samples.length} samples`);
}
