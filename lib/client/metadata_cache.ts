// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What the client knows about the cluster: brokers, the controller, topics and their
 * partitions with leaders, leader epochs, replicas and ISR.
 *
 * @module
 */

import type { MetadataResponse } from "../protocol/messages/metadata.ts";
import { MalformedDataError } from "../protocol/kafka_error.ts";

/** A broker as metadata lists it. */
export interface BrokerInfo {
  /** The broker's node id. */
  readonly nodeId: number;
  /** Its advertised host. */
  readonly host: string;
  /** Its advertised port. */
  readonly port: number;
  /** Its rack, if configured. */
  readonly rack: string | null;
}

/** One partition as metadata describes it. */
export interface PartitionInfo {
  /** The partition number. */
  readonly partition: number;
  /** The leader's node id; -1 while there is none. */
  readonly leader: number;
  /** The leader epoch; -1 when the broker did not say. */
  readonly leaderEpoch: number;
  /** Every replica's node id. */
  readonly replicas: readonly number[];
  /** The in-sync replicas' node ids. */
  readonly isr: readonly number[];
  /** Replicas that are offline. */
  readonly offlineReplicas: readonly number[];
  /** The partition's error code in the last answer (e.g. LEADER_NOT_AVAILABLE), 0 if none. */
  readonly errorCode: number;
}

/** One topic as metadata describes it. */
export interface TopicInfo {
  /** The topic's name. */
  readonly name: string;
  /** Its id (base64url UUID). */
  readonly topicId: string;
  /** Whether it is one of Kafka's own (e.g. `__consumer_offsets`). */
  readonly isInternal: boolean;
  /** Its partitions, by partition number. */
  readonly partitions: readonly PartitionInfo[];
  /** The topic's error code in the last answer (e.g. UNKNOWN_TOPIC_OR_PARTITION), 0 if none. */
  readonly errorCode: number;
}

/** An immutable view of the cluster at one moment. */
export interface ClusterMetadata {
  /** The cluster id. */
  readonly clusterId: string | null;
  /** The controller's node id as the broker reports it (-1 if unknown). */
  readonly controllerId: number;
  /** Brokers by node id. */
  readonly brokers: ReadonlyMap<number, BrokerInfo>;
  /** Topics by name (only the topics asked about, or all after a full refresh). */
  readonly topics: ReadonlyMap<string, TopicInfo>;
  /** When the cache was last refreshed, in ms since the epoch. */
  readonly updatedAt: number;
}

/**
 * The client's metadata cache. It is updated from Metadata answers and from the leader hints
 * Produce and Fetch answers carry (KIP-951); every read returns an immutable snapshot, so a
 * reader never sees half an update.
 *
 * @example Apply an answer and find a leader
 * ```ts
 * import { MetadataCache } from "./metadata_cache.ts";
 * import assert from "node:assert/strict";
 *
 * const cache = new MetadataCache();
 * cache.apply({
 *   brokers: [{ nodeId: 1, host: "b1", port: 9092 }],
 *   clusterId: "c", controllerId: 1,
 *   topics: [{ errorCode: 0, name: "t", partitions: [
 *     { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1], isrNodes: [1] },
 *   ] }],
 * }, ["t"]);
 * assert.equal(cache.leaderFor("t", 0)?.host, "b1");
 * cache.hint("t", 0, 2, 4, [{ nodeId: 2, host: "b2", port: 9093 }]);
 * assert.equal(cache.leaderFor("t", 0)?.host, "b2");
 * ```
 */
export class MetadataCache {
  #current: ClusterMetadata = {
    clusterId: null,
    controllerId: -1,
    brokers: new Map(),
    topics: new Map(),
    updatedAt: 0,
  };

  /** The cache as it is now. */
  get snapshot(): ClusterMetadata {
    return this.#current;
  }

  /**
   * Applies a Metadata answer. `requested` is the topic list that was asked for, `null` for all
   * topics: after a full answer, topics it no longer lists are dropped. A partition whose
   * leader epoch is older than the one cached (from an earlier answer or a leader hint) keeps
   * the cached leader, so metadata never goes backwards.
   *
   * @throws {MalformedDataError} when the answer names a broker without a usable address.
   */
  apply(res: MetadataResponse, requested: readonly string[] | null): ClusterMetadata {
    const brokers = new Map<number, BrokerInfo>();
    for (const b of res.brokers) {
      if (!usableAddress(b.host, b.port)) {
        throw new MalformedDataError(`broker ${b.nodeId} is at "${b.host}:${b.port}"`, {
          api: "Metadata",
        });
      }
      brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    }
    const old = this.#current;
    const topics = new Map<string, TopicInfo>(requested === null ? [] : old.topics);
    for (const t of res.topics) {
      if (t.name === null) continue;
      const before = old.topics.get(t.name)?.partitions;
      const partitions: PartitionInfo[] = t.partitions
        .map((p) => {
          const leaderEpoch = p.leaderEpoch ?? -1;
          // A broker that lags behind a leader change (or a KIP-951 hint) answers with an
          // older epoch: keep what the newer epoch said, as Java's client does. An answer
          // without an epoch cannot be ordered, so it is believed.
          const prev = before?.find((x) => x.partition === p.partitionIndex);
          if (prev !== undefined && leaderEpoch >= 0 && prev.leaderEpoch > leaderEpoch) {
            const leaderInfo = old.brokers.get(prev.leader);
            if (leaderInfo && !brokers.has(prev.leader)) brokers.set(prev.leader, leaderInfo);
            return prev;
          }
          return {
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas ?? [],
            errorCode: p.errorCode,
          };
        })
        .sort((a, b) => a.partition - b.partition);
      topics.set(t.name, {
        name: t.name,
        topicId: t.topicId ?? "AAAAAAAAAAAAAAAAAAAAAA",
        isInternal: t.isInternal ?? false,
        partitions,
        errorCode: t.errorCode,
      });
    }
    this.#current = {
      clusterId: res.clusterId ?? old.clusterId,
      controllerId: res.controllerId ?? -1,
      brokers,
      topics,
      updatedAt: Date.now(),
    };
    return this.#current;
  }

  /**
   * Applies a leader hint from a Produce or Fetch answer (KIP-951): the new leader and epoch of
   * one partition, and the endpoints of brokers the answer named. A hint older than what the
   * cache holds (a lower epoch), or one naming an endpoint without a usable address, is ignored.
   * Returns whether the cache changed.
   */
  hint(
    topic: string,
    partition: number,
    leader: number,
    leaderEpoch: number,
    endpoints: readonly { nodeId: number; host: string; port: number; rack?: string | null }[] = [],
  ): boolean {
    const cur = this.#current;
    const t = cur.topics.get(topic);
    const p = t?.partitions.find((x) => x.partition === partition);
    if (t === undefined || p === undefined || leader < 0) return false;
    if (!endpoints.every((e) => usableAddress(e.host, e.port))) return false;
    if (leaderEpoch < p.leaderEpoch || (leaderEpoch === p.leaderEpoch && leader === p.leader)) {
      return false;
    }
    let brokers = cur.brokers;
    if (endpoints.length > 0) {
      const next = new Map(brokers);
      for (const e of endpoints) {
        next.set(e.nodeId, { nodeId: e.nodeId, host: e.host, port: e.port, rack: e.rack ?? null });
      }
      brokers = next;
    }
    const partitions = t.partitions.map((x) =>
      x.partition === partition ? { ...x, leader, leaderEpoch, errorCode: 0 } : x
    );
    const topics = new Map(cur.topics).set(topic, { ...t, partitions });
    this.#current = { ...cur, brokers, topics };
    return true;
  }

  /** The broker leading a partition, if the cache knows one. */
  leaderFor(topic: string, partition: number): BrokerInfo | undefined {
    const p = this.#current.topics.get(topic)?.partitions.find((x) => x.partition === partition);
    return p === undefined || p.leader < 0 ? undefined : this.#current.brokers.get(p.leader);
  }
}

/** Whether a broker's advertised address can be dialed at all. */
function usableAddress(host: string, port: number): boolean {
  return host.length > 0 && Number.isInteger(port) && port >= 1 && port <= 65535;
}
