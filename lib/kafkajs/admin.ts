// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's admin client over kanal's: the calls KafkaJS programs use most, with KafkaJS's
 * argument and result shapes (offsets as strings).
 *
 * @module
 */

import { Admin as KanalAdmin } from "../admin/admin.ts";
import { AdminError } from "../admin/admin_error.ts";
import { Client } from "../client/client.ts";
import type { ClientOptions } from "../client/client.ts";
import { bootstrap, type KafkaConfig, type RetryOptions } from "./_config.ts";
import { Instrumentation, type InstrumentationEvent } from "./_events.ts";
import { KafkaJSError } from "./errors.ts";
import { toKafkaJSError } from "./to_kafkajs_error.ts";
import { sleep } from "../util/sleep.ts";
import type { Logger } from "./logger.ts";

/** KafkaJS's `kafka.admin(config)`. */
export interface AdminConfig {
  /** Retries. */
  retry?: RetryOptions;
}

/** A topic to create, as KafkaJS takes it. */
export interface ITopicConfig {
  /** The name. */
  topic: string;
  /** Partitions; -1 for the broker's default. */
  numPartitions?: number;
  /** Replicas; -1 for the broker's default. */
  replicationFactor?: number;
  /** Each partition's replicas. */
  replicaAssignment?: { partition: number; replicas: number[] }[];
  /** Topic configs. */
  configEntries?: { name: string; value: string }[];
}

/** A partition in `fetchTopicMetadata`'s answer. */
export interface AdminPartitionMetadata {
  /** The partition's error code. */
  partitionErrorCode: number;
  /** The partition. */
  partitionId: number;
  /** Its leader. */
  leader: number;
  /** Its replicas. */
  replicas: number[];
  /** Its in-sync replicas. */
  isr: number[];
  /** Its offline replicas. */
  offlineReplicas: number[];
}

/** The events an admin emits. */
export const ADMIN_EVENTS = {
  CONNECT: "admin.connect",
  DISCONNECT: "admin.disconnect",
  REQUEST: "admin.network.request",
  REQUEST_TIMEOUT: "admin.network.request_timeout",
  REQUEST_QUEUE_SIZE: "admin.network.request_queue_size",
} as const;

const ALREADY_EXISTS = "TOPIC_ALREADY_EXISTS";

/**
 * KafkaJS's admin client.
 *
 * @example Create and list topics (against the in-process fake cluster)
 * ```ts
 * import { FakeCluster } from "../testing/fake_cluster.ts";
 * import { Kafka, logLevel } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start();
 * const kafka = new Kafka({
 *   brokers: cluster.bootstrap.split(","),
 *   transport: cluster.transport,
 *   logLevel: logLevel.NOTHING,
 * });
 * const admin = kafka.admin();
 * await admin.connect();
 * assert.equal(await admin.createTopics({ topics: [{ topic: "a", numPartitions: 2 }] }), true);
 * assert.equal(await admin.createTopics({ topics: [{ topic: "a", numPartitions: 2 }] }), false);
 * assert.ok((await admin.listTopics()).includes("a"));
 * await admin.disconnect();
 * ```
 */
export class Admin {
  /** The names of the events this admin emits. */
  readonly events: typeof ADMIN_EVENTS = ADMIN_EVENTS;
  readonly #config: KafkaConfig;
  readonly #options: Omit<ClientOptions, "brokers">;
  readonly #log: Logger;
  readonly #events = new Instrumentation("the admin client", Object.values(ADMIN_EVENTS));
  #client: Client | undefined;
  #admin: KanalAdmin | undefined;
  #connecting: Promise<void> | undefined;

  /** Made by `kafka.admin()`. */
  constructor(
    config: KafkaConfig,
    options: Omit<ClientOptions, "brokers">,
    _adminConfig: AdminConfig,
    log: Logger,
  ) {
    this.#config = config;
    this.#options = options;
    this.#log = log.namespace("Admin");
  }

  /** Connects to the cluster. */
  connect(): Promise<void> {
    this.#connecting ??= (async () => {
      try {
        this.#client = await Client.connect({
          ...this.#options,
          brokers: await bootstrap(this.#config),
        });
      } catch (e) {
        this.#connecting = undefined;
        throw toKafkaJSError(e);
      }
      this.#admin = new KanalAdmin(this.#client);
      this.#events.emit(ADMIN_EVENTS.CONNECT, null);
    })();
    return this.#connecting;
  }

  /** Closes every connection. */
  async disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#admin = undefined;
    this.#connecting = undefined;
    await client?.close();
    this.#events.emit(ADMIN_EVENTS.DISCONNECT, null);
  }

  /** The admin's logger. */
  logger(): Logger {
    return this.#log;
  }

  /** Listens to one of {@linkcode Admin.events}; returns the function that stops it. */
  on(name: string, listener: (event: InstrumentationEvent) => void): () => void {
    if (name !== ADMIN_EVENTS.CONNECT && name !== ADMIN_EVENTS.DISCONNECT) {
      this.#log.warn(`kanal never emits ${name}`);
    }
    return this.#events.on(name, listener);
  }

  /** Every topic's name. */
  listTopics(): Promise<string[]> {
    return this.#call((a) => a.listTopics());
  }

  /** Creates topics: true when created, false when they all existed already. */
  createTopics(
    { topics, validateOnly, waitForLeaders = true, timeout }: {
      topics: ITopicConfig[];
      validateOnly?: boolean;
      waitForLeaders?: boolean;
      timeout?: number;
    },
  ): Promise<boolean> {
    return this.#call(async (a) => {
      try {
        await a.createTopics(
          topics.map((t) => {
            const replicas = [...(t.replicaAssignment ?? [])].sort((x, y) =>
              x.partition - y.partition
            );
            return {
              name: t.topic,
              ...(replicas.length > 0 ? { assignments: replicas.map((r) => r.replicas) } : {
                partitions: t.numPartitions ?? -1,
                replicationFactor: t.replicationFactor ?? -1,
              }),
              configs: Object.fromEntries((t.configEntries ?? []).map((c) => [c.name, c.value])),
            };
          }),
          {
            validateOnly: validateOnly ?? false,
            waitForLeaders: waitForLeaders && validateOnly !== true,
            ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
          },
        );
        return true;
      } catch (e) {
        if (e instanceof AdminError && e.errors.every((x) => x.errorName === ALREADY_EXISTS)) {
          return false;
        }
        throw e;
      }
    });
  }

  /** Deletes topics. */
  async deleteTopics({ topics, timeout }: { topics: string[]; timeout?: number }): Promise<void> {
    await this.#call((a) =>
      a.deleteTopics(topics, timeout !== undefined ? { timeoutMs: timeout } : {})
    );
  }

  /**
   * Adds partitions to topics, and waits (up to `timeout`, 5 s by default) until the metadata
   * shows them, so a `fetchTopicMetadata` right after sees the new count: the controller accepts
   * the change before every broker's metadata has it. Resolves with nothing, as KafkaJS 2.2's
   * does at run time (its types say `boolean`).
   */
  async createPartitions(
    { topicPartitions, validateOnly, timeout }: {
      topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
      validateOnly?: boolean;
      timeout?: number;
    },
  ): Promise<void> {
    await this.#call(async (a) => {
      await a.createPartitions(
        topicPartitions.map((t) => ({
          topic: t.topic,
          count: t.count,
          assignments: t.assignments,
        })),
        {
          validateOnly: validateOnly ?? false,
          ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
        },
      );
      if (validateOnly === true) return;
      const deadline = Date.now() + (timeout ?? 5_000);
      const want = new Map(topicPartitions.map((t) => [t.topic, t.count]));
      while (Date.now() < deadline) {
        const seen = await a.describeTopics([...want.keys()]);
        if (seen.every((t) => t.partitions.length >= (want.get(t.name) ?? 0))) return;
        await sleep(50);
      }
    });
  }

  /** The metadata of `topics` (all topics when absent). */
  fetchTopicMetadata(
    { topics }: { topics?: string[] } = {},
  ): Promise<{ topics: { name: string; partitions: AdminPartitionMetadata[] }[] }> {
    return this.#call(async (a) => {
      const described = await a.describeTopics(topics ?? null);
      return {
        topics: described.map((t) => ({
          name: t.name,
          partitions: [...t.partitions].sort((x, y) => x.partition - y.partition).map((p) => ({
            partitionErrorCode: p.errorCode,
            partitionId: p.partition,
            leader: p.leader,
            replicas: [...p.replicas],
            isr: [...p.isr],
            offlineReplicas: [...p.offlineReplicas],
          })),
        })),
      };
    });
  }

  /** Each partition's earliest (`low`) and latest (`high`, also `offset`) offset. */
  fetchTopicOffsets(
    topic: string,
  ): Promise<{ partition: number; offset: string; high: string; low: string }[]> {
    return this.#call(async (a) => {
      const partitions = await this.#partitionsOf(a, topic);
      const [low, high] = await Promise.all([
        a.listOffsets(partitions.map((partition) => ({ topic, partition, spec: "earliest" }))),
        a.listOffsets(partitions.map((partition) => ({ topic, partition, spec: "latest" }))),
      ]);
      return partitions.map((partition) => {
        const h = String(high.find((o) => o.partition === partition)?.offset ?? -1);
        const l = String(low.find((o) => o.partition === partition)?.offset ?? -1);
        return { partition, offset: h, high: h, low: l };
      });
    });
  }

  /** Each partition's first offset at or after `timestamp` (the latest when none). */
  fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp?: number,
  ): Promise<{ partition: number; offset: string }[]> {
    return this.#call(async (a) => {
      const partitions = await this.#partitionsOf(a, topic);
      const spec = timestamp === undefined ? "latest" as const : timestamp;
      const found = await a.listOffsets(
        partitions.map((partition) => ({ topic, partition, spec })),
      );
      const latest = await a.listOffsets(
        partitions.map((partition) => ({ topic, partition, spec: "latest" as const })),
      );
      return partitions.map((partition) => {
        const o = found.find((x) => x.partition === partition)?.offset ?? -1;
        const end = latest.find((x) => x.partition === partition)?.offset ?? -1;
        return { partition, offset: String(o < 0 ? end : o) };
      });
    });
  }

  /** A group's committed offsets ("-1" where none), per topic. */
  fetchOffsets(
    { groupId, topics }: { groupId: string; topics?: string[] },
  ): Promise<
    {
      topic: string;
      partitions: { partition: number; offset: string; metadata: string | null }[];
    }[]
  > {
    return this.#call(async (a) => {
      let refs: { topic: string; partition: number }[] | undefined;
      if (topics !== undefined) {
        refs = [];
        for (const topic of topics) {
          for (const partition of await this.#partitionsOf(a, topic)) {
            refs.push({ topic, partition });
          }
        }
      }
      const committed = await a.listGroupOffsets(groupId, refs);
      const byTopic = new Map<
        string,
        { partition: number; offset: string; metadata: string | null }[]
      >();
      for (const topic of topics ?? []) byTopic.set(topic, []);
      for (const c of committed) {
        let list = byTopic.get(c.topic);
        if (list === undefined) byTopic.set(c.topic, list = []);
        list.push({ partition: c.partition, offset: String(c.offset), metadata: c.metadata });
      }
      return [...byTopic].map(([topic, partitions]) => ({
        topic,
        partitions: partitions.sort((x, y) => x.partition - y.partition),
      }));
    });
  }

  /** Sets a group's offsets (the group must have no active member). */
  async setOffsets(
    { groupId, topic, partitions }: {
      groupId: string;
      topic: string;
      partitions: { partition: number; offset: string }[];
    },
  ): Promise<void> {
    await this.#call((a) =>
      a.alterGroupOffsets(
        groupId,
        partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })),
      )
    );
  }

  /**
   * Moves a group's offsets of `topic` to each partition's latest offset (or, with `earliest`,
   * its earliest). One difference from KafkaJS: KafkaJS commits the markers -1 and -2, which only
   * its own consumer resolves; kanal commits the offsets themselves, as Kafka's
   * `kafka-consumer-groups --reset-offsets` does, so every client starts there.
   */
  async resetOffsets(
    { groupId, topic, earliest = false }: { groupId: string; topic: string; earliest?: boolean },
  ): Promise<void> {
    await this.#call(async (a) => {
      const partitions = await this.#partitionsOf(a, topic);
      const spec = earliest ? "earliest" as const : "latest" as const;
      const at = await a.listOffsets(partitions.map((partition) => ({ topic, partition, spec })));
      await a.alterGroupOffsets(
        groupId,
        at.map((o) => ({ topic, partition: o.partition, offset: o.offset })),
      );
    });
  }

  /** Every group. */
  listGroups(): Promise<{ groups: { groupId: string; protocolType: string }[] }> {
    return this.#call(async (a) => ({
      groups: (await a.listGroups()).map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
      })),
    }));
  }

  /** Describes groups. */
  describeGroups(groupIds: string[]): Promise<{
    groups: {
      groupId: string;
      state: string;
      protocolType: string;
      protocol: string;
      members: { memberId: string; clientId: string; clientHost: string }[];
      errorCode: number;
    }[];
  }> {
    return this.#call(async (a) => ({
      groups: (await a.describeGroups(groupIds)).map((g) => ({
        groupId: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        protocol: g.assignor,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
        })),
        errorCode: 0,
      })),
    }));
  }

  /** Deletes groups. */
  deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    return this.#call(async (a) => {
      const deleted = await a.deleteGroups(groupIds);
      return deleted.map((groupId) => ({ groupId, errorCode: 0 }));
    });
  }

  /** The brokers, the controller and the cluster id. */
  describeCluster(): Promise<{
    brokers: { nodeId: number; host: string; port: number }[];
    controller: number | null;
    clusterId: string;
  }> {
    return this.#call(async (a) => {
      const c = await a.describeCluster();
      return {
        brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
        controller: c.controllerId < 0 ? null : c.controllerId,
        clusterId: c.clusterId,
      };
    });
  }

  /** Deletes a partition's records before each given offset. */
  async deleteTopicRecords(
    { topic, partitions }: { topic: string; partitions: { partition: number; offset: string }[] },
  ): Promise<void> {
    await this.#call((a) =>
      a.deleteRecords(
        partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })),
      )
    );
  }

  async #partitionsOf(a: KanalAdmin, topic: string): Promise<number[]> {
    const [t] = await a.describeTopics([topic]);
    return (t?.partitions ?? []).map((p) => p.partition).sort((x, y) => x - y);
  }

  async #call<T>(body: (a: KanalAdmin) => Promise<T>): Promise<T> {
    if (this.#admin === undefined) {
      throw new KafkaJSError("The admin is disconnected: call connect() first", {
        retriable: false,
      });
    }
    try {
      return await body(this.#admin);
    } catch (e) {
      throw toKafkaJSError(e);
    }
  }
}
