// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Share group administration (KIP-932): describe groups, their start offsets, and their
 * configs.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { sleep } from "../util/sleep.ts";

/** A member of a share group, as ShareGroupDescribe reports it. */
export interface ShareGroupMember {
  /** Its member id. */
  memberId: string;
  /** Its epoch. */
  memberEpoch: number;
  /** Its client id. */
  clientId: string;
  /** Its host as the coordinator saw it. */
  clientHost: string;
  /** The topics it subscribed to. */
  subscribedTopicNames: string[];
  /** Its assignment: partitions by topic name. */
  assignment: { topic: string; partitions: number[] }[];
}

/** A share group, as ShareGroupDescribe reports it. */
export interface ShareGroupDescription {
  /** The group id. */
  groupId: string;
  /** `Empty`, `Stable` or `Dead`. */
  state: string;
  /** The group's epoch. */
  groupEpoch: number;
  /** The assignor's name. */
  assignor: string;
  /** The members. */
  members: ShareGroupMember[];
}

/** A partition's place in a share group: the offset delivery starts from, and the lag. */
export interface ShareGroupOffset {
  /** The topic. */
  topic: string;
  /** The partition. */
  partition: number;
  /** The share-partition start offset (records before it are done); -1 when not initialised. */
  startOffset: number;
  /** Records from the start offset on that are not yet done; -1 when unknown. */
  lag: number;
}

/** The share group configs settable per group. */
export type ShareGroupConfigName =
  | "share.auto.offset.reset"
  | "share.record.lock.duration.ms"
  | "share.isolation.level"
  | "share.session.timeout.ms"
  | "share.heartbeat.interval.ms";

const GROUP_RESOURCE = 32;

/**
 * Share group administration: describe groups, read, alter and delete their start offsets
 * (DescribeShareGroupOffsets, AlterShareGroupOffsets, DeleteShareGroupOffsets, all on the
 * group's coordinator), and set group configs such as `share.auto.offset.reset` through
 * IncrementalAlterConfigs on the GROUP resource. Errors come back as {@linkcode KafkaError}s
 * naming the group, topic or partition.
 *
 * Altering or deleting offsets needs the group to have no members (else
 * NON_EMPTY_GROUP).
 *
 * @example Read a queue from its start, and see where its members are
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { ShareGroupAdmin } from "./share_groups.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * const admin = new ShareGroupAdmin(client);
 * await admin.alterConfigs("workers", { "share.auto.offset.reset": "earliest" });
 * console.log(await admin.describe(["workers"]), await admin.listOffsets("workers"));
 * ```
 */
export class ShareGroupAdmin {
  readonly #client: Client;

  /** Makes an admin that sends through `client`. */
  constructor(client: Client) {
    this.#client = client;
  }

  /**
   * Describes share groups.
   *
   * @throws {KafkaError} for the first group that failed, e.g. GROUP_ID_NOT_FOUND.
   */
  async describe(groupIds: readonly string[]): Promise<ShareGroupDescription[]> {
    const out: ShareGroupDescription[] = [];
    for (const groupId of groupIds) {
      const res = await this.#onCoordinator(groupId, (c) =>
        this.#client.request(c, API_TABLE[77], {
          groupIds: [groupId],
          includeAuthorizedOperations: false,
        }), (r) => r.groups[0]?.errorCode ?? 0);
      const g = res.groups[0];
      if (g === undefined) continue;
      if (g.errorCode !== 0) {
        throw new KafkaError(g.errorCode, {
          api: "ShareGroupDescribe",
          detail: `group ${groupId}${g.errorMessage ? `: ${g.errorMessage}` : ""}`,
        });
      }
      out.push({
        groupId: g.groupId,
        state: g.groupState,
        groupEpoch: g.groupEpoch,
        assignor: g.assignorName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          assignment: m.assignment.topicPartitions.map((t) => ({
            topic: t.topicName,
            partitions: [...t.partitions].sort((a, b) => a - b),
          })),
        })),
      });
    }
    return out;
  }

  /**
   * The group's start offset and lag for each partition it has state for (or for `topics`).
   *
   * @throws {KafkaError} the group's or a partition's error.
   */
  async listOffsets(
    groupId: string,
    topics?: readonly { topic: string; partitions: readonly number[] }[],
  ): Promise<ShareGroupOffset[]> {
    const res = await this.#onCoordinator(groupId, (c) =>
      this.#client.request(c, API_TABLE[90], {
        groups: [{
          groupId,
          topics: topics === undefined
            ? null
            : topics.map((t) => ({ topicName: t.topic, partitions: [...t.partitions] })),
        }],
      }), (r) => r.groups[0]?.errorCode ?? 0);
    const g = res.groups[0];
    if (g === undefined) return [];
    if (g.errorCode !== 0) {
      throw new KafkaError(g.errorCode, {
        api: "DescribeShareGroupOffsets",
        detail: `group ${groupId}${g.errorMessage ? `: ${g.errorMessage}` : ""}`,
      });
    }
    const out: ShareGroupOffset[] = [];
    for (const t of g.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) {
          throw new KafkaError(p.errorCode, {
            api: "DescribeShareGroupOffsets",
            topic: t.topicName,
            partition: p.partitionIndex,
            detail: p.errorMessage,
          });
        }
        out.push({
          topic: t.topicName,
          partition: p.partitionIndex,
          startOffset: Number(p.startOffset),
          lag: Number(p.lag ?? -1n),
        });
      }
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /**
   * Sets the group's start offsets: delivery resumes there. The group must have no members.
   *
   * @throws {KafkaError} e.g. NON_EMPTY_GROUP, or a partition's error.
   */
  async alterOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number; offset: number }[],
  ): Promise<void> {
    const byTopic = new Map<string, { partitionIndex: number; startOffset: bigint }[]>();
    for (const o of offsets) {
      if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
        throw new RangeError(
          `Cannot alter the offset of ${o.topic}/${o.partition} as it must be a whole number from 0: current value is ${o.offset}`,
        );
      }
      let l = byTopic.get(o.topic);
      if (l === undefined) byTopic.set(o.topic, l = []);
      l.push({ partitionIndex: o.partition, startOffset: BigInt(o.offset) });
    }
    const res = await this.#onCoordinator(groupId, (c) =>
      this.#client.request(c, API_TABLE[91], {
        groupId,
        topics: [...byTopic].map(([topicName, partitions]) => ({ topicName, partitions })),
      }), (r) => r.errorCode);
    if (res.errorCode !== 0) {
      throw new KafkaError(res.errorCode, {
        api: "AlterShareGroupOffsets",
        detail: `group ${groupId}${res.errorMessage ? `: ${res.errorMessage}` : ""}`,
      });
    }
    for (const t of res.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) {
          throw new KafkaError(p.errorCode, {
            api: "AlterShareGroupOffsets",
            topic: t.topicName,
            partition: p.partitionIndex,
            detail: p.errorMessage,
          });
        }
      }
    }
  }

  /**
   * Deletes the group's state for `topics`: a member that reads them again starts by
   * `share.auto.offset.reset`. The group must have no members.
   *
   * @throws {KafkaError} e.g. NON_EMPTY_GROUP, or a topic's error.
   */
  async deleteOffsets(groupId: string, topics: readonly string[]): Promise<void> {
    const res = await this.#onCoordinator(groupId, (c) =>
      this.#client.request(c, API_TABLE[92], {
        groupId,
        topics: topics.map((topicName) => ({ topicName })),
      }), (r) => r.errorCode);
    if (res.errorCode !== 0) {
      throw new KafkaError(res.errorCode, {
        api: "DeleteShareGroupOffsets",
        detail: `group ${groupId}${res.errorMessage ? `: ${res.errorMessage}` : ""}`,
      });
    }
    for (const t of res.responses) {
      if (t.errorCode !== 0) {
        throw new KafkaError(t.errorCode, {
          api: "DeleteShareGroupOffsets",
          topic: t.topicName,
          detail: t.errorMessage,
        });
      }
    }
  }

  /**
   * Sets (a string) or removes (`null`) group configs, e.g.
   * `{ "share.auto.offset.reset": "earliest" }`, with IncrementalAlterConfigs on the GROUP
   * resource.
   *
   * @throws {KafkaError} e.g. INVALID_CONFIG for a value outside the broker's bounds.
   */
  async alterConfigs(
    groupId: string,
    configs: Partial<Record<ShareGroupConfigName, string | null>>,
  ): Promise<void> {
    const res = await this.#client.request("any", API_TABLE[44], {
      resources: [{
        resourceType: GROUP_RESOURCE,
        resourceName: groupId,
        configs: Object.entries(configs).map(([name, value]) => ({
          name,
          configOperation: value === null ? 1 : 0,
          value: value ?? null,
        })),
      }],
      validateOnly: false,
    });
    for (const r of res.responses) {
      if (r.errorCode !== 0) {
        throw new KafkaError(r.errorCode, {
          api: "IncrementalAlterConfigs",
          detail: `group ${groupId}${r.errorMessage ? `: ${r.errorMessage}` : ""}`,
        });
      }
    }
  }

  /** Sends on the group's coordinator, looking it up again once when it moved. */
  async #onCoordinator<T>(
    groupId: string,
    send: (coordinator: number) => Promise<T>,
    code: (res: T) => number,
  ): Promise<T> {
    const client = this.#client;
    for (let attempt = 0;; attempt++) {
      const res = await send(await client.coordinator(groupId));
      const c = code(res);
      if (attempt < 3 && (c === 16 || c === 15 || c === 14)) {
        client.forgetCoordinator(groupId);
        await sleep(client.options.retryBackoffMs, client.signal);
        continue;
      }
      return res;
    }
  }
}
