// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Topics: create (with configs and replica assignments), delete, list, describe (with
 * authorized operations) and add partitions. Each batch reports every topic's own outcome.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { PartitionInfo } from "../client/metadata_cache.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";
import { type AclOperation, operationsFromBits } from "./acl_types.ts";
import { sleep } from "../util/sleep.ts";

/** A topic to create. */
export interface NewTopic {
  /** The topic's name. */
  name: string;
  /** How many partitions; -1 takes the broker's `num.partitions`. @default {-1} */
  partitions?: number;
  /** How many replicas of each; -1 takes the broker's `default.replication.factor`. @default {-1} */
  replicationFactor?: number;
  /**
   * The replicas of each partition by partition index, leader preferred first, e.g.
   * `[[1, 2], [2, 3]]`; then `partitions` and `replicationFactor` must be left out.
   */
  assignments?: readonly (readonly number[])[];
  /** Topic configs, e.g. `{ "cleanup.policy": "compact" }`. @default {{}} */
  configs?: Record<string, string>;
}

/** Options for {@linkcode createTopics}. */
export interface CreateTopicsOptions {
  /** How long the controller may take. @default {30000} */
  timeoutMs?: number;
  /** Only check that the topics could be created. @default {false} */
  validateOnly?: boolean;
  /** Wait until every new partition has a leader, so the topics can be used at once. @default {true} */
  waitForLeaders?: boolean;
}

/** A created topic. */
export interface CreatedTopic {
  /** Its name. */
  name: string;
  /** Its id. */
  topicId: string;
  /** Its partition count. */
  partitions: number;
  /** Its replication factor. */
  replicationFactor: number;
}

/** A topic as {@linkcode describeTopics} reports it. */
export interface TopicDescription {
  /** Its name. */
  name: string;
  /** Its id. */
  topicId: string;
  /** Whether it is one of Kafka's own (`__consumer_offsets`, …). */
  isInternal: boolean;
  /** Its partitions, by index. */
  partitions: PartitionInfo[];
  /** What the caller may do with it, when asked for. */
  authorizedOperations: AclOperation[] | null;
}

function checkName(what: string, name: unknown): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new RangeError(
      `Cannot ${what} as it has no name: current value is ${JSON.stringify(name)}`,
    );
  }
}

function checkCount(what: string, key: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && (v === -1 || v >= 1))) {
    throw new RangeError(
      `Cannot ${what} as ${key} must be -1 or at least 1: current value is ${v}`,
    );
  }
}

function checkTimeout(v: number | undefined): number {
  const t = v ?? 30_000;
  if (!(Number.isInteger(t) && t >= 0 && t < 2 ** 31)) {
    throw new RangeError(
      `Cannot use timeoutMs as it must be an integer >= 0: current value is ${t}`,
    );
  }
  return t;
}

/**
 * Creates topics in one CreateTopics request (KRaft brokers forward it to the controller) and,
 * by default, waits until the created ones have leaders. Resolves with one result per topic, in
 * order: a topic that failed (e.g. `TOPIC_ALREADY_EXISTS`) has its own error, the others their
 * description.
 *
 * @throws {RangeError} for a bad name, partition count, replication factor or assignment,
 * before anything is sent.
 *
 * @example Bad settings are refused before anything is sent
 * ```ts
 * import { createTopics } from "./topics.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(createTopics({} as never, [{ name: "t", partitions: 0 }]), RangeError);
 * await assert.rejects(
 *   createTopics({} as never, [{ name: "t", partitions: 2, assignments: [[1]] }]),
 *   /assignments/,
 * );
 * ```
 */
export async function createTopics(
  client: Client,
  topics: readonly NewTopic[],
  options: CreateTopicsOptions = {},
): Promise<ItemResult<CreatedTopic>[]> {
  for (const t of topics) {
    checkName("create topic", t?.name);
    const what = `create topic "${t.name}"`;
    checkCount(what, "partitions", t.partitions);
    checkCount(what, "replicationFactor", t.replicationFactor);
    if (t.assignments !== undefined) {
      const a = t.assignments;
      if (t.partitions !== undefined || t.replicationFactor !== undefined) {
        throw new RangeError(
          `Cannot ${what} as assignments replace partitions and replicationFactor: leave them out`,
        );
      }
      if (
        !Array.isArray(a) || a.length === 0 ||
        !a.every((r) => Array.isArray(r) && r.length > 0 && r.every(Number.isInteger))
      ) {
        throw new RangeError(
          `Cannot ${what} as assignments must list broker ids for each partition: current value is ${
            JSON.stringify(a)
          }`,
        );
      }
    }
  }
  const timeoutMs = checkTimeout(options.timeoutMs);
  if (topics.length === 0) return [];
  const res = await client.request("any", API_TABLE[19], {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.assignments ? -1 : t.partitions ?? -1,
      replicationFactor: t.assignments ? -1 : t.replicationFactor ?? -1,
      assignments: (t.assignments ?? []).map((brokerIds, partitionIndex) => ({
        partitionIndex,
        brokerIds: [...brokerIds],
      })),
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
    timeoutMs,
    validateOnly: options.validateOnly ?? false,
  }, { timeoutMs: timeoutMs + 5000 });
  const byName = new Map(res.topics.map((r) => [r.name, r]));
  const results = topics.map((t): ItemResult<CreatedTopic> => {
    const r = byName.get(t.name);
    if (r === undefined) {
      return failed(
        t.name,
        new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, {
          api: "CreateTopics",
          topic: t.name,
          detail: "the broker did not answer for this topic",
        }),
      );
    }
    if (r.errorCode !== 0) {
      return failed(
        t.name,
        new KafkaError(r.errorCode, { api: "CreateTopics", topic: t.name, detail: r.errorMessage }),
      );
    }
    return ok(t.name, {
      name: t.name,
      topicId: r.topicId ?? "",
      partitions: r.numPartitions ?? t.assignments?.length ?? -1,
      replicationFactor: r.replicationFactor ?? t.assignments?.[0]?.length ?? -1,
    });
  });
  const created = results.filter((r) => r.error === null).map((r) => r.name);
  if (options.waitForLeaders !== false && !options.validateOnly && created.length > 0) {
    await waitForLeaders(client, created, timeoutMs);
  }
  return results;
}

/**
 * Deletes topics by name in one DeleteTopics request and resolves with one result per topic
 * (its name, or its error such as `UNKNOWN_TOPIC_OR_PARTITION`).
 *
 * @example A topic needs a name
 * ```ts
 * import { deleteTopics } from "./topics.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(deleteTopics({} as never, [""]), RangeError);
 * ```
 */
export async function deleteTopics(
  client: Client,
  names: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<ItemResult<string>[]> {
  for (const n of names) checkName("delete topic", n);
  const timeoutMs = checkTimeout(options.timeoutMs);
  if (names.length === 0) return [];
  const conn = await client.connection("any");
  const v = conn.versions.version(API_TABLE[20].info.key);
  const res = await conn.request(
    API_TABLE[20],
    v >= 6
      ? { topics: names.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs }
      : { topicNames: [...names], timeoutMs },
    { version: v, timeoutMs: timeoutMs + 5000 },
  );
  const byName = new Map(res.responses.map((r) => [r.name ?? "", r]));
  // A refresh drops the deleted topics from the cache; failing to refresh changes no result.
  await client.refreshMetadata(null).catch(() => {});
  return names.map((name) => {
    const r = byName.get(name);
    const code = r === undefined ? ErrorCode.UNKNOWN_SERVER_ERROR : r.errorCode;
    return code === 0 ? ok(name, name) : failed(
      name,
      new KafkaError(code, { api: "DeleteTopics", topic: name, detail: r?.errorMessage }),
    );
  });
}

/**
 * Describes topics from a fresh Metadata request (never creating them), with the operations the
 * caller is allowed on each. `null` describes every topic.
 *
 * @example No topic, no request
 * ```ts
 * import { describeTopics } from "./topics.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await describeTopics({} as never, []), []);
 * ```
 */
export async function describeTopics(
  client: Client,
  names: readonly string[] | null,
  options: { includeAuthorizedOperations?: boolean } = {},
): Promise<ItemResult<TopicDescription>[]> {
  if (names !== null) { for (const n of names) checkName("describe topic", n); }
  if (names !== null && names.length === 0) return [];
  const res = await client.request("any", API_TABLE[3], {
    topics: names === null ? null : names.map((name) => ({ name })),
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: options.includeAuthorizedOperations ?? false,
  });
  const byName = new Map(res.topics.map((t) => [t.name ?? "", t]));
  const order = names ?? [...byName.keys()].sort();
  return order.map((name) => {
    const t = byName.get(name);
    const code = t === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : t.errorCode;
    if (code !== 0 || t === undefined) {
      return failed(name, new KafkaError(code, { api: "Metadata", topic: name }));
    }
    const ops = t.topicAuthorizedOperations;
    return ok(name, {
      name,
      topicId: t.topicId ?? ZERO_UUID,
      isInternal: t.isInternal ?? false,
      partitions: t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas ?? [],
          errorCode: p.errorCode,
        }))
        .sort((x, y) => x.partition - y.partition),
      authorizedOperations: options.includeAuthorizedOperations && ops !== undefined &&
          ops !== -2147483648
        ? operationsFromBits(ops)
        : null,
    });
  });
}

/** A topic to grow, for {@linkcode createPartitions}. */
export interface NewPartitions {
  /** The topic. */
  topic: string;
  /** The partition count it should have (more than now). */
  count: number;
  /** The replicas of each new partition, when not left to the controller. */
  assignments?: readonly (readonly number[])[];
}

/**
 * Adds partitions to topics (CreatePartitions), one result per topic.
 *
 * @example The count must be a positive integer
 * ```ts
 * import { createPartitions } from "./topics.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(createPartitions({} as never, [{ topic: "t", count: 0 }]), RangeError);
 * ```
 */
export async function createPartitions(
  client: Client,
  topics: readonly NewPartitions[],
  options: { timeoutMs?: number; validateOnly?: boolean } = {},
): Promise<ItemResult<string>[]> {
  for (const t of topics) {
    checkName("add partitions", t?.topic);
    if (!(Number.isInteger(t.count) && t.count >= 1)) {
      throw new RangeError(
        `Cannot add partitions to "${t.topic}" as count must be at least 1: current value is ${t.count}`,
      );
    }
  }
  const timeoutMs = checkTimeout(options.timeoutMs);
  if (topics.length === 0) return [];
  const res = await client.request("any", API_TABLE[37], {
    topics: topics.map((t) => ({
      name: t.topic,
      count: t.count,
      assignments: t.assignments ? t.assignments.map((r) => ({ brokerIds: [...r] })) : null,
    })),
    timeoutMs,
    validateOnly: options.validateOnly ?? false,
  }, { timeoutMs: timeoutMs + 5000 });
  const byName = new Map(res.results.map((r) => [r.name, r]));
  await client.refreshMetadata(topics.map((t) => t.topic)).catch(() => {}); // cache only
  return topics.map((t) => {
    const r = byName.get(t.topic);
    const code = r === undefined ? ErrorCode.UNKNOWN_SERVER_ERROR : r.errorCode;
    return code === 0 ? ok(t.topic, t.topic) : failed(
      t.topic,
      new KafkaError(code, { api: "CreatePartitions", topic: t.topic, detail: r?.errorMessage }),
    );
  });
}

async function waitForLeaders(client: Client, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const meta = await client.refreshMetadata(names);
    const ready = names.every((n) => {
      const t = meta.topics.get(n);
      return t !== undefined && t.errorCode === 0 && t.partitions.length > 0 &&
        t.partitions.every((p) => p.leader >= 0);
    });
    if (ready) return;
    if (Date.now() > deadline) {
      throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, {
        api: "CreateTopics",
        topic: names.join(", "),
        detail: `no leader for every partition within ${timeoutMs} ms`,
      });
    }
    await sleep(client.options.retryBackoffMs, client.signal);
  }
}
