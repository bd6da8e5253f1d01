// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The cluster admin: one object over the admin operations, each in its own file.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { BrokerInfo } from "../client/metadata_cache.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { settle } from "./admin_error.ts";
import {
  type CreatedTopic,
  createTopics,
  type CreateTopicsOptions,
  deleteTopics,
  type NewTopic,
} from "./topics.ts";

export type { CreatedTopic, CreateTopicsOptions, NewTopic } from "./topics.ts";

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
 * Cluster administration on top of the client. Requests go where Kafka wants them: admin
 * requests to any broker (KRaft brokers forward to the controller), group requests to the
 * group's coordinator, record requests to partition leaders, log-dir requests to every broker.
 *
 * Batches resolve with every item's value when all succeeded; when any item failed they reject
 * with an {@linkcode AdminError} whose `results` keep every item's outcome. The functions in
 * the per-topic files (`topics.ts`, `configs.ts`, …) return those per-item results directly.
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

  /** The client this admin sends through. */
  get client(): Client {
    return this.#client;
  }

  /**
   * Creates topics.
   *
   * @throws {AdminError} when any topic failed (e.g. `TOPIC_ALREADY_EXISTS`), with every
   * topic's outcome in `results`.
   * @throws {RangeError} for a bad partition count or replication factor.
   */
  async createTopics(
    topics: readonly NewTopic[],
    options: CreateTopicsOptions = {},
  ): Promise<CreatedTopic[]> {
    return settle(await createTopics(this.#client, topics, options));
  }

  /**
   * Deletes topics by name and resolves with their names.
   *
   * @throws {AdminError} when any topic failed, e.g. `UNKNOWN_TOPIC_OR_PARTITION`.
   */
  async deleteTopics(
    names: readonly string[],
    options: { timeoutMs?: number } = {},
  ): Promise<string[]> {
    return settle(await deleteTopics(this.#client, names, options));
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
}
