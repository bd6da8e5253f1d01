// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What the fake cluster knows: its brokers, topics, partitions (each with its log, leader and
 * leader epoch) and the group coordinators' placement. The request handlers read and change
 * it; the control hooks change it from outside.
 *
 * @module
 */

import { ErrorCode } from "../protocol/error_codes.ts";
import { uuidFromBytes } from "../protocol/uuid.ts";
import { PartitionLog } from "./partition_log.ts";

/** One broker of the fake cluster. */
export interface FakeBroker {
  /** The node id. */
  readonly id: number;
  /** The host it advertises. */
  host: string;
  /** The port it advertises (0 until it listens, for socket listeners). */
  port: number;
  /** The rack, or null. */
  readonly rack: string | null;
  /** Whether it answers: a stopped broker refuses connections and leads nothing. */
  running: boolean;
}

/** One partition: its log, leader and replicas. */
export interface FakePartition {
  /** The partition index. */
  readonly index: number;
  /** The leader's node id, -1 when there is none. */
  leader: number;
  /** The leader epoch; it goes up on each leader change. */
  leaderEpoch: number;
  /** The replicas' node ids; the log is shared, so each is always in sync while running. */
  replicas: number[];
  /** The log. */
  readonly log: PartitionLog;
}

/** One topic. */
export interface FakeTopic {
  /** The topic name. */
  readonly name: string;
  /** The topic id (base64url, as kanal prints UUIDs). */
  readonly id: string;
  /** The partitions, by index. */
  readonly partitions: FakePartition[];
  /** Topic configs set at creation or altered since. */
  readonly configs: Map<string, string>;
}

/** Options for {@linkcode ClusterState}. */
export interface ClusterStateOptions {
  /** How many brokers. @default {1} */
  brokers?: number;
  /** The first node id; the others follow. @default {1} */
  firstNodeId?: number;
  /** The cluster id reported by Metadata. @default {a random id} */
  clusterId?: string;
  /** Partitions of an auto-created topic, or of CreateTopics asking for -1. @default {1} */
  defaultPartitions?: number;
  /** Whether Metadata and Produce create unknown topics. @default {true} */
  autoCreateTopics?: boolean;
  /** Bytes each partition log keeps before dropping its oldest batches. @default {67108864} */
  retentionBytes?: number;
  /** The null broker: logs acknowledge appends without keeping them. @default {false} */
  nullBroker?: boolean;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * The fake cluster's state. Handlers get it through their context; tests reach it through
 * `FakeCluster.state`.
 *
 * @example Create a topic and find its leader
 * ```ts
 * import { ClusterState } from "./cluster_state.ts";
 * import assert from "node:assert/strict";
 *
 * const state = new ClusterState({ brokers: 3 });
 * const t = state.createTopic("orders", 6, 3);
 * assert.ok(typeof t !== "number");
 * assert.equal(t.partitions.length, 6);
 * assert.deepEqual(t.partitions.map((p) => p.leader), [1, 2, 3, 1, 2, 3]);
 * ```
 */
export class ClusterState {
  /** The cluster id. */
  readonly clusterId: string;
  /** The brokers by node id, in id order. */
  readonly brokers: Map<number, FakeBroker> = new Map();
  /** Topics by name. */
  readonly topics: Map<string, FakeTopic> = new Map();
  /** Topics by id. */
  readonly topicsById: Map<string, FakeTopic> = new Map();
  /** Coordinators moved by a control call, by `keyType:key`. */
  readonly coordinatorOverrides: Map<string, number> = new Map();
  /** Partitions for auto-created topics. */
  defaultPartitions: number;
  /** Whether unknown topics are created on first use. */
  autoCreateTopics: boolean;
  /** Transactional ids' producer ids and epochs. */
  readonly transactionalProducers: Map<string, { producerId: bigint; epoch: number }> = new Map();
  #nextProducerId = 1000n;
  readonly #retention: number;
  readonly #nullBroker: boolean;
  #changed: { promise: Promise<void>; resolve: () => void };

  /** Makes the state for a cluster of `options.brokers` brokers on 127.0.0.1, port 0. */
  constructor(options: ClusterStateOptions = {}) {
    const n = options.brokers ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new RangeError(
        `Cannot make a fake cluster as brokers must be an integer from 1 to 64: current value is ${n}`,
      );
    }
    const first = options.firstNodeId ?? 1;
    for (let i = 0; i < n; i++) {
      this.brokers.set(first + i, {
        id: first + i,
        host: "127.0.0.1",
        port: 0,
        rack: null,
        running: true,
      });
    }
    this.clusterId = options.clusterId ?? randomUuid();
    this.defaultPartitions = options.defaultPartitions ?? 1;
    this.autoCreateTopics = options.autoCreateTopics ?? true;
    this.#retention = options.retentionBytes ?? 64 * 1024 * 1024;
    this.#nullBroker = options.nullBroker ?? false;
    this.#changed = deferred();
  }

  /** The lowest running node id: the controller Metadata names; -1 when all are stopped. */
  get controllerId(): number {
    for (const b of this.brokers.values()) if (b.running) return b.id;
    return -1;
  }

  /**
   * Creates a topic with `partitions` partitions on `replicationFactor` brokers, leaders
   * spread round-robin. Returns the topic, or Kafka's error code when the name is taken or
   * invalid, or the counts are.
   */
  createTopic(
    name: string,
    partitions: number,
    replicationFactor: number,
    configs: Iterable<[string, string]> = [],
    validateOnly = false,
  ): FakeTopic | number {
    if (!LEGAL_TOPIC.test(name) || name === "." || name === "..") {
      return ErrorCode.INVALID_TOPIC_EXCEPTION;
    }
    if (this.topics.has(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
    if (partitions === -1) partitions = this.defaultPartitions;
    if (partitions < 1 || partitions > 100_000) return ErrorCode.INVALID_PARTITIONS;
    const ids = [...this.brokers.keys()];
    if (replicationFactor === -1) replicationFactor = Math.min(3, ids.length);
    if (replicationFactor < 1 || replicationFactor > ids.length) {
      return ErrorCode.INVALID_REPLICATION_FACTOR;
    }
    const topic: FakeTopic = {
      name,
      id: randomUuid(),
      partitions: [],
      configs: new Map(configs),
    };
    if (validateOnly) return topic;
    for (let i = 0; i < partitions; i++) {
      topic.partitions.push(this.#newPartition(topic, i, replicationFactor));
    }
    this.topics.set(name, topic);
    this.topicsById.set(topic.id, topic);
    this.notify();
    return topic;
  }

  #newPartition(topic: FakeTopic, index: number, replicationFactor: number): FakePartition {
    const ids = [...this.brokers.keys()];
    const replicas: number[] = [];
    for (let r = 0; r < replicationFactor; r++) replicas.push(ids[(index + r) % ids.length]!);
    const leader = replicas.find((id) => this.brokers.get(id)!.running) ?? -1;
    const retention = Number(topic.configs.get("retention.bytes") ?? -1);
    return {
      index,
      leader,
      leaderEpoch: 0,
      replicas,
      log: new PartitionLog({
        retentionBytes: retention > 0 ? Math.min(retention, this.#retention) : this.#retention,
        logAppendTime: topic.configs.get("message.timestamp.type") === "LogAppendTime",
        discard: this.#nullBroker,
      }),
    };
  }

  /** Adds partitions to a topic up to `count` in all (CreatePartitions). */
  addPartitions(topic: FakeTopic, count: number): void {
    const rf = topic.partitions[0]?.replicas.length ?? 1;
    for (let i = topic.partitions.length; i < count; i++) {
      topic.partitions.push(this.#newPartition(topic, i, rf));
    }
    this.notify();
  }

  /** Deletes a topic; returns false if there was none. */
  deleteTopic(topic: FakeTopic): void {
    this.topics.delete(topic.name);
    this.topicsById.delete(topic.id);
    this.notify();
  }

  /** The topic named `name`, creating it when auto-creation is on and `create` is set. */
  topic(name: string, create = false): FakeTopic | undefined {
    const t = this.topics.get(name);
    if (t !== undefined || !create || !this.autoCreateTopics) return t;
    const made = this.createTopic(name, this.defaultPartitions, -1);
    return typeof made === "number" ? undefined : made;
  }

  /**
   * The broker that coordinates `key` (keyType 0 a group, 1 a transactional id): a stable
   * hash over the running brokers, unless a control call moved it. -1 when none runs.
   */
  coordinatorFor(key: string, keyType: number): number {
    const moved = this.coordinatorOverrides.get(`${keyType}:${key}`);
    if (moved !== undefined && this.brokers.get(moved)?.running) return moved;
    const live = [...this.brokers.values()].filter((b) => b.running);
    if (live.length === 0) return -1;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
    return live[(h >>> 0) % live.length]!.id;
  }

  /**
   * Makes `leader` the leader of `partition` with the next epoch, as a controller's election
   * does; -1 leaves it leaderless.
   */
  moveLeader(partition: FakePartition, leader: number): void {
    if (leader !== -1 && !partition.replicas.includes(leader)) partition.replicas.push(leader);
    partition.leader = leader;
    partition.leaderEpoch++;
    this.notify();
  }

  /** Stops a broker: the partitions it led move to another running replica, as Kafka elects. */
  stopBroker(id: number): void {
    const b = this.#broker(id);
    b.running = false;
    for (const t of this.topics.values()) {
      for (const p of t.partitions) {
        if (p.leader !== id) continue;
        const next = p.replicas.find((r) => r !== id && this.brokers.get(r)!.running) ?? -1;
        this.moveLeader(p, next);
      }
    }
    this.notify();
  }

  /** Starts a stopped broker; leaderless partitions it replicates get it as leader. */
  startBroker(id: number): void {
    const b = this.#broker(id);
    b.running = true;
    for (const t of this.topics.values()) {
      for (const p of t.partitions) {
        if (p.leader === -1 && p.replicas.includes(id)) this.moveLeader(p, id);
      }
    }
    this.notify();
  }

  #broker(id: number): FakeBroker {
    const b = this.brokers.get(id);
    if (b === undefined) {
      throw new RangeError(`Cannot find broker ${id} as the cluster has no such node id`);
    }
    return b;
  }

  /** Hands out a fresh producer id. */
  nextProducerId(): bigint {
    return this.#nextProducerId++;
  }

  /** Wakes everything waiting for a change (long-polling fetches). */
  notify(): void {
    const { resolve } = this.#changed;
    this.#changed = deferred();
    resolve();
  }

  /** Resolves at the next change. */
  changed(): Promise<void> {
    return this.#changed.promise;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => resolve = r);
  return { promise, resolve };
}

/** A random version 4 UUID in kanal's base64url form. */
export function randomUuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return uuidFromBytes(b);
}
