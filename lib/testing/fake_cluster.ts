// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * {@linkcode FakeCluster}: an in-process Kafka cluster that speaks the real wire protocol, for
 * tests that need a broker to misbehave on demand, and for running without Java.
 *
 * @module
 */

import { ConnectionError } from "../net/connection_error.ts";
import type { BrokerSocket, DialOptions, Transport } from "../net/transport.ts";
import {
  ClusterState,
  type FakeBroker,
  type FakePartition,
  type FakeTopic,
} from "./cluster_state.ts";
import type { ApiCodec } from "../protocol/messages/api_table.ts";
import { fakeCall } from "./fake_call.ts";
import { defaultServerTransport } from "./default_server_transport.ts";
import { type FakeHook, type FakeHookFn, type FakeHookOptions, FakeHooks } from "./fake_hooks.ts";
import { advertisedVersions, FAKE_IMPLEMENTED, type FakeApiRange } from "./fake_versions.ts";
import { FetchSessions } from "./fetch_sessions.ts";
import { GroupCoordinator } from "./group_coordinator.ts";
import type { FakeHandler, HandlerContext } from "./handler.ts";
import { defaultHandlers } from "./handlers/mod.ts";
import { memoryPipe } from "./memory_pipe.ts";
import type { ServerListener, ServerTransport } from "./server_transport.ts";
import { TransactionCoordinator } from "./transaction_coordinator.ts";
import { ConsumerGroupCoordinator } from "./consumer_group_coordinator.ts";
import type { FakeSaslOptions } from "./sasl_server.ts";
import type { FakeConnection } from "./handler.ts";
import { serveConnection, type ServedConnection } from "./_serve_connection.ts";

/** A topic to create at start. */
export interface FakeTopicSpec {
  /** The name. */
  name: string;
  /** How many partitions. @default {1} */
  partitions?: number;
  /** How many replicas, at most the broker count. @default {min(3, brokers)} */
  replicationFactor?: number;
  /** Topic configs, e.g. `{ "message.timestamp.type": "LogAppendTime" }`. */
  configs?: Record<string, string>;
}

/** Options for {@linkcode FakeCluster.start}. */
export interface FakeClusterOptions {
  /** How many brokers. @default {1} */
  brokers?: number;
  /**
   * Listen on 127.0.0.1 TCP ports (Deno, Bun, Node), so that other processes (kcat, Java) can
   * connect. `true` uses the runtime's listener; pass a `ServerTransport` to use another.
   * Without it, clients reach the cluster only through {@linkcode FakeCluster.transport}.
   *
   * @default {false}
   */
  listen?: boolean | ServerTransport;
  /**
   * The first port when listening; brokers take consecutive ports from it. 0 picks free ones.
   *
   * @default {0}
   */
  port?: number;
  /** Topics to create at start. @default {[]} */
  topics?: FakeTopicSpec[];
  /** The cluster id. @default {a random one} */
  clusterId?: string;
  /** Whether Metadata creates unknown topics. @default {true} */
  autoCreateTopics?: boolean;
  /** Partitions of an auto-created topic. @default {1} */
  defaultPartitions?: number;
  /**
   * Bytes each partition log keeps; past it the oldest batches go, so a long test cannot grow
   * without bound. @default {67108864 (64 MiB)}
   */
  retentionBytes?: number;
  /**
   * The null broker, for benchmarks: produced batches are checked (layout and CRC) and
   * acknowledged, but neither decoded nor kept; fetches serve what
   * {@linkcode FakeCluster.prepareFetch} prepared. @default {false}
   */
  nullBroker?: boolean;
  /**
   * Require SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) with these users before any request
   * but ApiVersions and SASL's own; a connection that skips it is closed, as Kafka does.
   */
  sasl?: FakeSaslOptions;
  /** Called with each error the fake's own handlers throw (a bug in the fake). */
  onFault?: (error: unknown) => void;
  /** Replace or add API handlers (advanced). */
  handlers?: FakeHandler[];
  /**
   * Caps the versions offered per API key, as an older broker would: `{ 1: 11 }` serves Fetch
   * only up to v11 (no `lastFetchedEpoch`, so no `divergingEpoch`).
   */
  maxVersions?: Readonly<Record<number, number>>;
  /** Kafka's `group.min.session.timeout.ms` for classic groups. @default {6000} */
  groupMinSessionTimeoutMs?: number;
  /** Kafka's `group.consumer.session.timeout.ms` for KIP-848 groups. @default {45000} */
  consumerGroupSessionTimeoutMs?: number;
}

/**
 * An in-process Kafka cluster of N brokers. Every request is decoded with kanal's generated
 * codecs and answered from real state: logs of record batches as the producers wrote them,
 * high watermarks, leader epochs, idempotent producers, fetch sessions, groups.
 *
 * Clients connect through {@linkcode FakeCluster.transport} (in memory, every runtime) or, when
 * started with `listen`, over TCP at {@linkcode FakeCluster.bootstrap}. Control hooks
 * ({@linkcode FakeCluster.intercept}) and topology calls make it misbehave on demand.
 *
 * @example A round trip over the in-memory transport
 * ```ts
 * import { FakeCluster } from "./fake_cluster.ts";
 * import { Client } from "../client/client.ts";
 * import { Producer } from "../producer/producer.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 2 }] });
 * await using client = await Client.connect({
 *   brokers: cluster.bootstrap,
 *   transport: cluster.transport,
 * });
 * await using producer = new Producer(client);
 * const [report] = await producer.send([{ topic: "t", partition: 1, value: "hello" }]);
 * assert.equal(report!.offset, 0);
 * assert.equal(cluster.partition("t", 1).log.highWatermark, 1n);
 * ```
 */
export class FakeCluster implements AsyncDisposable {
  /** The cluster's state: brokers, topics, logs. */
  readonly state: ClusterState;
  /** The installed control hooks. */
  readonly hooks: FakeHooks = new FakeHooks();
  /** The group coordinator's state. */
  readonly groups: GroupCoordinator;
  /** KIP-848 consumer groups. */
  readonly consumerGroups: ConsumerGroupCoordinator;
  /** The transaction coordinator's state. */
  readonly transactions: TransactionCoordinator;
  /** Errors the fake's own handlers threw (a bug in the fake); tests may assert it is empty. */
  readonly faults: unknown[] = [];
  /** The API versions offered. */
  readonly advertised: readonly FakeApiRange[];
  readonly #handlers: Map<number, FakeHandler>;
  readonly #sessions: Map<number, FetchSessions> = new Map();
  readonly #connections: Set<ServedConnection> = new Set();
  readonly #listeners: ServerListener[] = [];
  readonly #closing: AbortController = new AbortController();
  readonly #onFault: ((error: unknown) => void) | undefined;
  readonly #sasl: FakeSaslOptions | null;
  #closed = false;

  private constructor(options: FakeClusterOptions) {
    this.state = new ClusterState({
      brokers: options.brokers,
      clusterId: options.clusterId,
      autoCreateTopics: options.autoCreateTopics,
      defaultPartitions: options.defaultPartitions,
      retentionBytes: options.retentionBytes,
      nullBroker: options.nullBroker,
    });
    this.#handlers = new Map(
      [...defaultHandlers({ headerOnly: options.nullBroker ?? false }), ...options.handlers ?? []]
        .map((h) => [h.key, h]),
    );
    this.groups = new GroupCoordinator(options.groupMinSessionTimeoutMs);
    this.transactions = new TransactionCoordinator(this.state, this.groups);
    this.consumerGroups = new ConsumerGroupCoordinator(
      this.state,
      options.consumerGroupSessionTimeoutMs,
    );
    this.#onFault = options.onFault;
    this.#sasl = options.sasl ?? null;
    const caps = options.maxVersions ?? {};
    this.advertised = advertisedVersions(
      new Set(this.#handlers.keys()),
      FAKE_IMPLEMENTED.map((r) =>
        caps[r.key] === undefined ? r : { ...r, maxVersion: Math.min(r.maxVersion, caps[r.key]!) }
      ),
    );
    for (const b of this.state.brokers.values()) {
      b.host = `fake-${b.id}.invalid`;
      b.port = 9092;
      this.#sessions.set(b.id, new FetchSessions());
    }
    for (const t of options.topics ?? []) {
      const made = this.state.createTopic(
        t.name,
        t.partitions ?? 1,
        t.replicationFactor ?? -1,
        Object.entries(t.configs ?? {}),
      );
      if (typeof made === "number") {
        throw new RangeError(`Cannot create topic ${t.name} as Kafka error ${made} says`);
      }
    }
  }

  /**
   * Starts a cluster. With `listen`, each broker binds 127.0.0.1 (consecutive ports from
   * `port`, or free ones) before this resolves.
   */
  static async start(options: FakeClusterOptions = {}): Promise<FakeCluster> {
    const cluster = new FakeCluster(options);
    if (options.listen) {
      try {
        const listen = options.listen === true ? await defaultServerTransport() : options.listen;
        let port = options.port ?? 0;
        for (const b of cluster.state.brokers.values()) {
          const l = await listen({
            host: "127.0.0.1",
            port,
            onConnection: (socket) => cluster.#accept(socket, b),
          });
          cluster.#listeners.push(l);
          b.host = "127.0.0.1";
          b.port = l.port;
          if (port !== 0) port++;
        }
      } catch (e) {
        await cluster.close();
        throw e;
      }
    }
    return cluster;
  }

  /** The bootstrap list, `host:port,...`, of every broker. */
  get bootstrap(): string {
    return [...this.state.brokers.values()].map((b) => `${b.host}:${b.port}`).join(",");
  }

  /**
   * A `Transport` that connects a kanal client to this cluster in memory. A dial to a stopped
   * broker, or to an address that is not one of the brokers, rejects with a retriable
   * `ConnectionError`, as a refused TCP connect does.
   */
  get transport(): Transport {
    return (o: DialOptions): Promise<BrokerSocket> => {
      const b = [...this.state.brokers.values()].find((b) =>
        b.host === o.host && b.port === o.port
      );
      if (this.#closed || b === undefined || !b.running) {
        return Promise.reject(
          new ConnectionError(o.host, o.port, "Cannot connect", {
            cause: b === undefined ? "no such fake broker" : "the fake broker is stopped",
          }),
        );
      }
      const { client, server } = memoryPipe({ host: o.host, port: o.port });
      this.#accept(server, b);
      return Promise.resolve(client);
    };
  }

  #accept(socket: BrokerSocket, broker: FakeBroker): void {
    if (this.#closed || !broker.running) {
      void socket.close().catch(() => {
        // Refusing a connection: a failed close means it is gone anyway.
      });
      return;
    }
    const served = serveConnection(socket, broker, {
      handlers: this.#handlers,
      advertised: this.advertised,
      hooks: this.hooks,
      fault: (e) => {
        if (this.faults.length < 100) this.faults.push(e);
        this.#onFault?.(e);
      },
      closing: this.#closing.signal,
      saslRequired: this.#sasl !== null,
      context: (broker, version, clientId, signal, connection) =>
        this.#context(broker, version, clientId, signal, connection),
    });
    this.#connections.add(served);
    void served.done.then(() => this.#connections.delete(served));
  }

  #context(
    broker: FakeBroker,
    version: number,
    clientId: string | null,
    signal: AbortSignal,
    connection: FakeConnection,
  ): HandlerContext {
    return {
      state: this.state,
      broker,
      version,
      clientId,
      signal,
      sessions: this.#sessions.get(broker.id)!,
      groups: this.groups,
      transactions: this.transactions,
      consumerGroups: this.consumerGroups,
      connection,
      sasl: this.#sasl,
      advertised: this.advertised,
    };
  }

  /**
   * Adds a control hook: `fn` sees each matching request before the fake answers, and may
   * return an action (answer otherwise, fail, delay, drop, apply and lose the answer).
   *
   * @example Lose the first Produce answer after applying it
   * ```ts
   * import { FakeCluster } from "./fake_cluster.ts";
   * import assert from "node:assert/strict";
   *
   * await using cluster = await FakeCluster.start();
   * const hook = cluster.intercept(() => ({ kind: "applyAndDrop" }), { key: 0, once: true });
   * assert.equal(hook.calls, 0);
   * hook.remove();
   * ```
   */
  intercept(fn: FakeHookFn, options: FakeHookOptions = {}): FakeHook {
    return this.hooks.add(fn, options);
  }

  /**
   * Sends one raw request to a broker (default: the first) over the in-memory transport and
   * resolves with the decoded answer.
   *
   * @example Create a topic with a raw CreateTopics
   * ```ts
   * import { FakeCluster } from "./fake_cluster.ts";
   * import { API_TABLE } from "../protocol/messages/api_table.ts";
   * import assert from "node:assert/strict";
   *
   * await using cluster = await FakeCluster.start();
   * const res = await cluster.call(API_TABLE[19], 7, {
   *   topics: [{ name: "t", numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
   * });
   * assert.equal(res.topics[0]!.errorCode, 0);
   * assert.equal(cluster.state.topics.get("t")!.partitions.length, 2);
   * ```
   */
  call<Req, Res>(
    api: ApiCodec<Req, Res>,
    version: number,
    body: Req,
    broker: number = this.state.brokers.keys().next().value!,
  ): Promise<Res> {
    const b = this.state.brokers.get(broker);
    if (b === undefined) {
      return Promise.reject(new RangeError(`Cannot call broker ${broker} as it does not exist`));
    }
    return fakeCall({ transport: this.transport, host: b.host, port: b.port }, api, version, body);
  }

  /** Creates a topic; throws a `RangeError` carrying Kafka's reason when it cannot. */
  createTopic(name: string, partitions = 1, replicationFactor = -1): FakeTopic {
    const made = this.state.createTopic(name, partitions, replicationFactor);
    if (typeof made === "number") {
      throw new RangeError(`Cannot create topic ${name} as Kafka error ${made} says`);
    }
    return made;
  }

  /**
   * Makes a partition read as `copies` copies of `batch` (a v2 record batch), restamped with
   * consecutive offsets, while holding only the one batch: a consumer benchmark's endless
   * source.
   *
   * @example A consumer reads a prepared partition
   * ```ts
   * import { FakeCluster } from "./fake_cluster.ts";
   * import { encodeRecordBatch } from "../protocol/record_batch_encoder.ts";
   * import assert from "node:assert/strict";
   *
   * await using cluster = await FakeCluster.start({ nullBroker: true, topics: [{ name: "t" }] });
   * cluster.prepareFetch("t", 0, await encodeRecordBatch([{ value: "x" }]), 1000);
   * assert.equal(cluster.partition("t", 0).log.highWatermark, 1000n);
   * ```
   */
  prepareFetch(topic: string, partition: number, batch: Uint8Array, copies: number): void {
    this.partition(topic, partition).log.prepare(batch, copies);
    this.state.notify();
  }

  /** A partition of a topic; throws a `RangeError` if there is none. */
  partition(topic: string, partition: number): FakePartition {
    const p = this.state.topics.get(topic)?.partitions[partition];
    if (p === undefined) {
      throw new RangeError(`Cannot find partition ${topic}/${partition} as it does not exist`);
    }
    return p;
  }

  /**
   * Moves a partition's leadership to `broker` (by default the next replica) with a new leader
   * epoch, as a controller's election does. Clients see NOT_LEADER_OR_FOLLOWER or
   * FENCED_LEADER_EPOCH until they refresh their metadata.
   */
  moveLeader(topic: string, partition: number, broker?: number): number {
    const p = this.partition(topic, partition);
    const target = broker ?? p.replicas[(p.replicas.indexOf(p.leader) + 1) % p.replicas.length]!;
    if (!this.state.brokers.has(target)) {
      throw new RangeError(`Cannot move leadership to broker ${target} as it does not exist`);
    }
    this.state.moveLeader(p, target);
    return p.leaderEpoch;
  }

  /**
   * Truncates a partition's log to `offset` (an unclean leader election that lost the tail):
   * the leader epoch goes up, and a consumer fetching past the new end gets `divergingEpoch`
   * or OFFSET_OUT_OF_RANGE.
   */
  truncate(topic: string, partition: number, offset: bigint): void {
    const p = this.partition(topic, partition);
    p.log.truncate(offset);
    this.state.moveLeader(p, p.leader);
  }

  /** Stops a broker: its connections are cut, it refuses new ones, its partitions move. */
  async stopBroker(id: number): Promise<void> {
    this.state.stopBroker(id);
    this.#sessions.get(id)?.clear();
    await this.cutConnections(id);
  }

  /** Starts a stopped broker. */
  startBroker(id: number): void {
    this.state.startBroker(id);
  }

  /** Cuts every client connection (to one broker, or to all). */
  async cutConnections(broker?: number): Promise<void> {
    const cut = [...this.#connections].filter((c) => broker === undefined || c.brokerId === broker);
    await Promise.all(cut.map((c) => c.close()));
    await Promise.all(cut.map((c) => c.done));
  }

  /** Moves the coordinator of a group (keyType 0) or transactional id (1) to `broker`. */
  moveCoordinator(key: string, broker: number, keyType = 0): void {
    if (!this.state.brokers.has(broker)) {
      throw new RangeError(`Cannot move the coordinator to broker ${broker} as it does not exist`);
    }
    this.state.coordinatorOverrides.set(`${keyType}:${key}`, broker);
  }

  /** Stops listening, cuts every connection and ends every long poll. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    this.groups.close();
    this.transactions.close();
    this.consumerGroups.close();
    await Promise.all(this.#listeners.map((l) => l.close()));
    await this.cutConnections();
  }

  /** Same as {@linkcode FakeCluster.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
