// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Cluster administration on top of the client: topics and the cluster's description.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { BrokerInfo } from "../client/metadata_cache.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import { sleep } from "../util/sleep.ts";

/** A topic to create. */
export interface NewTopic {
  /** The topic's name. */
  name: string;
  /** How many partitions; -1 takes the broker's `num.partitions`. @default {-1} */
  partitions?: number;
  /** How many replicas of each; -1 takes the broker's `default.replication.factor`. @default {-1} */
  replicationFactor?: number;
  /** Topic configs, e.g. `{ "cleanup.policy": "compact" }`. @default {{}} */
  configs?: Record<string, string>;
}

/** Options for {@linkcode Admin.createTopics}. */
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

/** The cluster as DescribeCluster reports it. */
export interface ClusterDescription {
  /** The cluster id. */
  clusterId: string;
  /** The controller's node id as brokers report it. */
  controllerId: number;
  /** The brokers. */
  brokers: BrokerInfo[];
}

/**
 * Topic and cluster administration: create, delete and list topics, and describe the cluster.
 * Requests go to any broker (KRaft brokers forward to the controller); per-topic errors come
 * back as one {@linkcode KafkaError} naming the topic.
 *
 * @example Create and delete a topic
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { Admin } from "./admin.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * const admin = new Admin(client);
 * await admin.createTopics([{ name: "orders", partitions: 6, replicationFactor: 1 }]);
 * console.log(await admin.listTopics());
 * await admin.deleteTopics(["orders"]);
 * ```
 */
export class Admin {
  readonly #client: Client;

  /** Makes an admin that sends through `client`. */
  constructor(client: Client) {
    this.#client = client;
  }

  /**
   * Creates topics.
   *
   * @throws {KafkaError} for the first topic that failed, e.g. `TOPIC_ALREADY_EXISTS` or
   * `INVALID_REPLICATION_FACTOR`, with the broker's message.
   * @throws {RangeError} for a bad partition count or replication factor.
   */
  async createTopics(
    topics: readonly NewTopic[],
    options: CreateTopicsOptions = {},
  ): Promise<CreatedTopic[]> {
    for (const t of topics) {
      if (typeof t.name !== "string" || t.name.length === 0) {
        throw new RangeError(
          `Cannot create topic as it has no name: current value is ${JSON.stringify(t.name)}`,
        );
      }
      for (
        const [k, v] of [["partitions", t.partitions], [
          "replicationFactor",
          t.replicationFactor,
        ]] as const
      ) {
        if (v !== undefined && !(Number.isInteger(v) && (v === -1 || v >= 1))) {
          throw new RangeError(
            `Cannot create topic "${t.name}" as ${k} must be -1 or at least 1: current value is ${v}`,
          );
        }
      }
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    const res = await this.#client.request("any", API_TABLE[19], {
      topics: topics.map((t) => ({
        name: t.name,
        numPartitions: t.partitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }, { timeoutMs: timeoutMs + 5000 });
    for (const r of res.topics) {
      if (r.errorCode !== 0) {
        throw new KafkaError(r.errorCode, {
          api: "CreateTopics",
          topic: r.name,
          detail: r.errorMessage,
        });
      }
    }
    const names = res.topics.map((r) => r.name);
    if (options.waitForLeaders !== false && !options.validateOnly) {
      await this.#waitForLeaders(names, timeoutMs);
    }
    return res.topics.map((r) => ({
      name: r.name,
      topicId: r.topicId ?? "",
      partitions: r.numPartitions ?? -1,
      replicationFactor: r.replicationFactor ?? -1,
    }));
  }

  /**
   * Deletes topics by name.
   *
   * @throws {KafkaError} for the first topic that failed, e.g. `UNKNOWN_TOPIC_OR_PARTITION`.
   */
  async deleteTopics(
    names: readonly string[],
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const conn = await this.#client.connection("any");
    const v = conn.versions.version(API_TABLE[20].info.key);
    const res = await conn.request(
      API_TABLE[20],
      v >= 6
        ? { topics: names.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs }
        : { topicNames: [...names], timeoutMs },
      { version: v, timeoutMs: timeoutMs + 5000 },
    );
    for (const r of res.responses) {
      if (r.errorCode !== 0) {
        throw new KafkaError(r.errorCode, {
          api: "DeleteTopics",
          topic: r.name ?? undefined,
          detail: r.errorMessage,
        });
      }
    }
    await this.#client.refreshMetadata(null).catch(() => {});
  }

  /** The names of the cluster's topics, sorted; Kafka's internal topics only if asked. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const meta = await this.#client.refreshMetadata(null);
    return [...meta.topics.values()]
      .filter((t) => options.includeInternal || !t.isInternal)
      .map((t) => t.name)
      .sort();
  }

  /** The cluster's id, controller and brokers. */
  async describeCluster(): Promise<ClusterDescription> {
    const res = await this.#client.request("any", API_TABLE[60], {
      includeClusterAuthorizedOperations: false,
    });
    if (res.errorCode !== 0) {
      throw new KafkaError(res.errorCode, { api: "DescribeCluster", detail: res.errorMessage });
    }
    return {
      clusterId: res.clusterId,
      controllerId: res.controllerId ?? -1,
      brokers: res.brokers
        .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? null }))
        .sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  async #waitForLeaders(names: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const meta = await this.#client.refreshMetadata(names);
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
      await sleep(this.#client.options.retryBackoffMs, this.#client.signal);
    }
  }
}
