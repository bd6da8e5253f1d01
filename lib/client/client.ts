// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The cluster client: bootstrap, the metadata cache and its background updater, brokers and
 * their connections, coordinator lookup, and the live stage dump.
 *
 * @module
 */

import { KafkaError, MalformedDataError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import type { ApiCodec } from "../protocol/messages/api_table.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { BrokerConnection } from "../net/broker_connection.ts";
import { ConnectionError } from "../net/connection_error.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../net/frame_decoder.ts";
import { defaultTransport } from "../net/default_transport.ts";
import { formatStages, StageRegistry, type StageSnapshot } from "../net/stage_registry.ts";
import type { TlsOptions, Transport } from "../net/transport.ts";
import type { SaslMechanism } from "../sasl/sasl_mechanism.ts";
import { BackgroundMetadataUpdater } from "./background_metadata_updater.ts";
import { Broker, type ConnectionKind } from "./broker.ts";
import { type BrokerInfo, type ClusterMetadata, MetadataCache } from "./metadata_cache.ts";
import { type OptionSchema, validateOptions } from "./validate_options.ts";
import { sleep } from "../util/sleep.ts";
import type { Observer } from "../observe/kafka_event.ts";

/** Options for {@linkcode Client.connect}. */
export interface ClientOptions {
  /** Bootstrap brokers, as `host:port` strings or one comma-separated string. */
  brokers: readonly string[] | string;
  /** Sent in every request header; brokers log and quota by it. @default {"kanal"} */
  clientId?: string;
  /** Opens sockets; by default the running runtime's own. */
  transport?: Transport;
  /** TLS for every broker connection. @default {false} */
  tls?: TlsOptions | boolean;
  /**
   * SASL for every broker connection (produce, fetch, group and admin alike): `plain(...)`,
   * `scramSha256(...)`, `scramSha512(...)`, `oauthBearer(...)` from `lib/sasl`, or any
   * {@linkcode SaslMechanism}. Connections re-authenticate when the broker limits the session
   * (KIP-368). @default {none}
   */
  sasl?: SaslMechanism;
  /** How long a request may wait for its answer. @default {30000} */
  requestTimeoutMs?: number;
  /** How long dialing and version negotiation may take. @default {10000} */
  connectTimeoutMs?: number;
  /** Requests in flight per connection. @default {5} */
  maxInFlight?: number;
  /**
   * The largest response frame accepted, in bytes; a larger one ends its connection with a
   * typed error before anything is allocated for it. Consumers' `maxBytes` and
   * `maxPartitionBytes` must fit. At most 2^31 - 1. @default {104857600}
   */
  maxFrameBytes?: number;
  /** Time between periodic metadata refreshes. @default {300000} */
  metadataMaxAgeMs?: number;
  /** Wait after a failed metadata refresh or lookup before trying again. @default {100} */
  retryBackoffMs?: number;
  /** First wait before reconnecting to a broker after a failure. @default {50} */
  reconnectBackoffMs?: number;
  /** Longest wait before reconnecting. @default {1000} */
  reconnectBackoffMaxMs?: number;
  /**
   * Whether asking for a topic's metadata may create it, if the broker allows it
   * (`auto.create.topics.enable`), as Java's clients do by default. @default {true}
   */
  allowAutoTopicCreation?: boolean;
  /** Closes the client when aborted. */
  signal?: AbortSignal;
  /** Receives events for metrics, logs and traces (lib/observe). Called synchronously. */
  observe?: Observer;
}

/** {@linkcode ClientOptions} with every default filled in. */
export type ResolvedClientOptions =
  & Required<Omit<ClientOptions, "transport" | "tls" | "sasl" | "signal" | "brokers" | "observe">>
  & {
    brokers: string[];
    transport?: Transport;
    tls: TlsOptions | boolean;
    sasl?: SaslMechanism;
    signal?: AbortSignal;
    observe?: Observer;
  };

const SCHEMA: OptionSchema = {
  brokers: { type: "array" },
  clientId: { type: "string", nonEmpty: true },
  transport: { type: "function" },
  tls: { type: "object" },
  sasl: { type: "object" },
  requestTimeoutMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  connectTimeoutMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  maxInFlight: { type: "number", min: 1, max: 1000 },
  maxFrameBytes: { type: "number", min: 1024, max: 2 ** 31 - 1, integer: true },
  metadataMaxAgeMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  retryBackoffMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  reconnectBackoffMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  reconnectBackoffMaxMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  allowAutoTopicCreation: { type: "boolean" },
  signal: { type: "signal" },
  observe: { type: "function" },
};

/** Where {@linkcode Client.request} sends a request. */
export type RequestTarget = number | "any";

/** Options for {@linkcode Client.request}. */
export interface ClientRequestOptions {
  /** Which connection to the broker carries it. @default {"group"} */
  kind?: ConnectionKind;
  /** Overrides the request timeout, e.g. for a long poll. */
  timeoutMs?: number;
  /** The version; by default the highest both sides speak. */
  version?: number;
  /** Gives up waiting. */
  signal?: AbortSignal;
  /** Produce with acks 0 gets no answer. @default {true} */
  expectResponse?: boolean;
}

/** Coordinator kinds for {@linkcode Client.coordinator}. */
export type CoordinatorType = "group" | "transaction" | "share";

// Partition errors that mean the cache is stale: the leader moved or the topic changed.
const STALE_METADATA: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.OFFSET_NOT_AVAILABLE,
]);

// Coordinator errors that mean the cached coordinator is wrong or not ready.
const STALE_COORDINATOR: ReadonlySet<number> = new Set([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
]);

/**
 * A connection to a Kafka cluster: it bootstraps from a list of brokers, keeps a metadata cache
 * fresh with its backgroundMetadataUpdater stage, keeps per-broker connections (separate ones
 * for produce, fetch and group/admin traffic), and finds coordinators. Producers, consumers and
 * admins are built on it.
 *
 * `close()`, the `signal` option and `await using` stop every connection, timer and stage.
 *
 * @example Connect and read the cluster's metadata
 * ```ts ignore
 * import { Client } from "./client.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * const meta = await client.refreshMetadata(["orders"]);
 * console.log(meta.clusterId, client.leaderFor("orders", 0));
 * console.log(client.dumpStages());
 * ```
 */
export class Client implements AsyncDisposable {
  /** The validated options, defaults filled in. */
  readonly options: Readonly<ResolvedClientOptions>;
  readonly #registry: StageRegistry = new StageRegistry();
  readonly #cache: MetadataCache = new MetadataCache();
  readonly #brokers: Map<number, Broker> = new Map();
  readonly #bootstrap: Broker[];
  readonly #coordinators: Map<string, number> = new Map();
  readonly #abort: AbortController = new AbortController();
  readonly #interest: Set<string> = new Set();
  readonly #updater: BackgroundMetadataUpdater;
  readonly #updaterReader: ReadableStreamDefaultReader<ClusterMetadata>;
  readonly #transport: Transport;
  #closing: Promise<void> | undefined;
  #fullRefreshSeen = false;

  private constructor(options: ResolvedClientOptions, transport: Transport) {
    this.options = options;
    this.#transport = transport;
    this.#bootstrap = options.brokers.map((b, i) => {
      const { host, port } = parseAddress(b);
      return this.#makeBroker(-1 - i, host, port);
    });
    this.#updater = new BackgroundMetadataUpdater({
      refresh: (topics) => this.#fetchMetadata(topics),
      interest: () => (this.#fullRefreshSeen ? null : [...this.#interest]),
      intervalMs: options.metadataMaxAgeMs,
      retryBackoffMs: options.retryBackoffMs,
      stage: this.#registry.register(
        "backgroundMetadataUpdater",
        `every ${options.metadataMaxAgeMs} ms`,
      ),
    });
    // Drive the updater: each snapshot read lets the next refresh happen.
    const reader = this.#updaterReader = this.#updater.getReader();
    const pump = (): void => {
      reader.read().then((r) => r.done ? undefined : pump(), () => {});
    };
    pump();
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
  }

  /**
   * Makes a client and fetches the cluster's metadata from the bootstrap brokers.
   *
   * @throws {TypeError} or {RangeError} for bad options, naming the option.
   * @throws {ConnectionError} when no bootstrap broker can be reached.
   */
  static async connect(options: ClientOptions): Promise<Client> {
    const brokers = typeof options?.brokers === "string"
      ? options.brokers.split(",").map((s) => s.trim()).filter(Boolean)
      : options?.brokers;
    const resolved = validateOptions<ResolvedClientOptions>(
      "Client",
      SCHEMA,
      // `tls: true` asks for the runtime's defaults, `false` for none: the schema checks objects.
      {
        ...options,
        brokers,
        tls: options?.tls === true ? {} : options?.tls === false ? undefined : options?.tls,
      } as never,
      {
        brokers: [],
        clientId: "kanal",
        tls: false,
        requestTimeoutMs: 30_000,
        connectTimeoutMs: 10_000,
        maxInFlight: 5,
        maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
        metadataMaxAgeMs: 300_000,
        retryBackoffMs: 100,
        reconnectBackoffMs: 50,
        reconnectBackoffMaxMs: 1000,
        allowAutoTopicCreation: true,
      },
    );
    if (resolved.brokers.length === 0) {
      throw new RangeError(
        'Cannot use Client option "brokers" as it must name at least one broker',
      );
    }
    for (const b of resolved.brokers) parseAddress(b);
    const sasl = resolved.sasl;
    if (sasl && (typeof sasl.name !== "string" || typeof sasl.authenticate !== "function")) {
      throw new TypeError(
        'Cannot use Client option "sasl" as it must be a SaslMechanism (name and authenticate)',
      );
    }
    const client = new Client(resolved, resolved.transport ?? await defaultTransport());
    try {
      await client.refreshMetadata(null);
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }

  /** The metadata cache as it is now. */
  get metadata(): ClusterMetadata {
    return this.#cache.snapshot;
  }

  /**
   * Refreshes metadata for `topics` (`null`: every topic; default: the topics the client has
   * been asked about) and resolves with the cache. Refreshes are coalesced: calls made while one
   * is in flight share the next.
   *
   * @throws {KafkaError} `REQUEST_TIMED_OUT` (retriable) when no refresh completes within
   * `timeoutMs` (default: the request timeout); the signal's reason when it aborts.
   */
  refreshMetadata(
    topics?: readonly string[] | null,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ClusterMetadata> {
    if (topics) { for (const t of topics) this.#interest.add(t); }
    const demand = this.#updater.demand(topics === undefined ? [...this.#interest] : topics);
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new KafkaError(ErrorCode.REQUEST_TIMED_OUT, { api: "Metadata" }, {
            message: `No metadata refresh completed within ${timeoutMs} ms`,
          }),
        );
      }, timeoutMs);
      const onAbort = () => {
        done();
        reject(options.signal!.reason);
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      demand.then((m) => {
        done();
        resolve(m);
      }, (e) => {
        done();
        reject(e);
      });
    });
  }

  /**
   * The broker leading `topic`/`partition`, refreshing metadata when the cache does not know.
   *
   * @throws {KafkaError} `UNKNOWN_TOPIC_OR_PARTITION` or `LEADER_NOT_AVAILABLE` (both
   * retriable) when the cluster has no leader for it; the topic's own error when it is not
   * retriable, e.g. `TOPIC_AUTHORIZATION_FAILED`.
   */
  async leaderFor(topic: string, partition: number): Promise<BrokerInfo> {
    let leader = this.#cache.leaderFor(topic, partition);
    if (leader) return leader;
    await this.refreshMetadata([topic]);
    leader = this.#cache.leaderFor(topic, partition);
    if (leader) return leader;
    const t = this.#cache.snapshot.topics.get(topic);
    // A topic error that asking again will not fix (TOPIC_AUTHORIZATION_FAILED,
    // INVALID_TOPIC_EXCEPTION) is the answer itself, not a missing leader to wait for.
    if (t !== undefined && t.errorCode !== 0) {
      const err = new KafkaError(t.errorCode, { api: "Metadata", topic, partition });
      if (!err.retriable) throw err;
    }
    const code = t === undefined || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
        !t.partitions.some((p) => p.partition === partition)
      ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      : ErrorCode.LEADER_NOT_AVAILABLE;
    throw new KafkaError(code, { topic, partition });
  }

  /**
   * Reacts to an error code a broker returned for `topic`: a code that means the metadata is
   * stale (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, …) triggers a
   * refresh. Returns whether it did.
   */
  onPartitionError(code: number, topic: string): boolean {
    if (!STALE_METADATA.has(code)) return false;
    this.refreshMetadata([topic]).catch(() => {});
    return true;
  }

  /**
   * Applies a leader hint from a Produce or Fetch answer (KIP-951) so the next request goes
   * straight to the new leader without waiting for a refresh.
   */
  hintLeader(
    topic: string,
    partition: number,
    leader: number,
    leaderEpoch: number,
    endpoints?: readonly { nodeId: number; host: string; port: number; rack?: string | null }[],
  ): boolean {
    return this.#cache.hint(topic, partition, leader, leaderEpoch, endpoints);
  }

  /**
   * Sends a request to broker `target` (a node id, or `"any"` for whichever broker answers) and
   * resolves with the decoded answer. With `"any"`, a broker that cannot be reached is skipped
   * for the next one.
   */
  async request<Req, Res>(
    target: RequestTarget,
    api: ApiCodec<Req, Res>,
    body: Req,
    options: ClientRequestOptions = {},
  ): Promise<Res> {
    const conn = await this.connection(target, options.kind ?? "group");
    return conn.request(api, body, options);
  }

  /** An open connection of `kind` to broker `target` (`"any"`: the first that answers). */
  async connection(
    target: RequestTarget,
    kind: ConnectionKind = "group",
  ): Promise<BrokerConnection> {
    this.#checkOpen();
    if (target !== "any") return this.#broker(target).connection(kind);
    let last: unknown;
    for (const broker of this.#anyOrder(kind)) {
      try {
        return await broker.connection(kind);
      } catch (e) {
        if (!(e instanceof ConnectionError)) throw e;
        last = e;
      }
    }
    throw last ?? new ConnectionError("-", 0, "No broker is known");
  }

  /**
   * The node id of the coordinator for `key` (a group id or transactional id), cached until
   * {@linkcode Client.forgetCoordinator}. Retries while the coordinator is not yet available.
   */
  async coordinator(key: string, type: CoordinatorType = "group"): Promise<number> {
    const cacheKey = `${type}\u0000${key}`;
    const cached = this.#coordinators.get(cacheKey);
    if (cached !== undefined) return cached;
    const keyType = type === "group" ? 0 : type === "transaction" ? 1 : 2;
    for (let attempt = 0;; attempt++) {
      const conn = await this.connection("any");
      const v = conn.versions.version(API_TABLE[10].info.key);
      const res = await conn.request(
        API_TABLE[10],
        v >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType },
        { version: v },
      );
      const c = v >= 4 ? res.coordinators?.find((x) => x.key === key) : {
        errorCode: res.errorCode ?? 0,
        errorMessage: res.errorMessage ?? null,
        nodeId: res.nodeId ?? -1,
        host: res.host ?? "",
        port: res.port ?? 0,
      };
      if (c === undefined) {
        throw new MalformedDataError(`the answer lists no coordinator for "${key}"`, {
          api: "FindCoordinator",
        });
      }
      if (c.errorCode === 0) {
        if (c.nodeId < 0 || c.host === "" || !(c.port >= 1 && c.port <= 65535)) {
          throw new MalformedDataError(
            `the coordinator for "${key}" is node ${c.nodeId} at "${c.host}:${c.port}"`,
            { api: "FindCoordinator" },
          );
        }
        this.#learnBroker(c.nodeId, c.host, c.port);
        this.#coordinators.set(cacheKey, c.nodeId);
        return c.nodeId;
      }
      const err = new KafkaError(c.errorCode, { api: "FindCoordinator", detail: c.errorMessage });
      if (!err.retriable || attempt >= 20) throw err;
      await sleep(this.options.retryBackoffMs, this.#abort.signal);
    }
  }

  /** Forgets a cached coordinator, after NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE. */
  forgetCoordinator(key: string, type: CoordinatorType = "group"): void {
    this.#coordinators.delete(`${type}\u0000${key}`);
  }

  /** Whether `code` means the cached coordinator must be looked up again. */
  static isCoordinatorError(code: number): boolean {
    return STALE_COORDINATOR.has(code);
  }

  /** The live stages: name, role, state, counters. */
  stages(): StageSnapshot[] {
    return this.#registry.snapshot();
  }

  /** The live stages as a table, kanal's answer to a goroutine dump. */
  dumpStages(): string {
    return formatStages(this.#registry.snapshot());
  }

  /** Where this client's stages register; producers and consumers add theirs here. */
  get registry(): StageRegistry {
    return this.#registry;
  }

  /** Aborted when the client closes; stages built on the client follow it. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Stops the updater and closes every connection. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#abort.abort(new ConnectionError("-", 0, "The client is closed", { retriable: false }));
      await this.#updaterReader.cancel().catch(() => {});
      const all = [...this.#bootstrap, ...this.#brokers.values()];
      await Promise.all(all.map((b) => b.close()));
    })();
    return this.#closing;
  }

  /** Closes the client, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkOpen(): void {
    if (this.#abort.signal.aborted) throw this.#abort.signal.reason;
  }

  #makeBroker(nodeId: number, host: string, port: number): Broker {
    const o = this.options;
    return new Broker(nodeId, host, port, {
      transport: this.#transport,
      registry: this.#registry,
      clientId: o.clientId,
      tls: o.tls,
      sasl: o.sasl,
      maxInFlight: o.maxInFlight,
      maxFrameBytes: o.maxFrameBytes,
      requestTimeoutMs: o.requestTimeoutMs,
      connectTimeoutMs: o.connectTimeoutMs,
      reconnectBackoffMs: o.reconnectBackoffMs,
      reconnectBackoffMaxMs: o.reconnectBackoffMaxMs,
      signal: this.#abort.signal,
      observe: o.observe,
    });
  }

  #broker(nodeId: number): Broker {
    const known = this.#brokers.get(nodeId);
    const info = this.#cache.snapshot.brokers.get(nodeId);
    if (known && (!info || (info.host === known.host && info.port === known.port))) return known;
    if (!info) {
      if (known) return known;
      throw new ConnectionError("-", 0, `Broker ${nodeId} is not in the metadata`);
    }
    return this.#learnBroker(nodeId, info.host, info.port);
  }

  #learnBroker(nodeId: number, host: string, port: number): Broker {
    const known = this.#brokers.get(nodeId);
    if (known && known.host === host && known.port === port) return known;
    // The broker moved (or is new): retire the old connections.
    known?.close();
    const b = this.#makeBroker(nodeId, host, port);
    this.#brokers.set(nodeId, b);
    return b;
  }

  /**
   * Brokers to try for "any": known brokers with an open connection first, then the other known
   * ones in random order (to spread load), then the bootstrap list as a last resort.
   */
  #anyOrder(kind: ConnectionKind): Broker[] {
    const known = shuffle(
      [...this.#cache.snapshot.brokers.values()].map((b) => this.#broker(b.nodeId)),
    );
    return [
      ...known.filter((b) => b.openConnection(kind)),
      ...known.filter((b) => !b.openConnection(kind)),
      ...shuffle([...this.#bootstrap]),
    ];
  }

  async #fetchMetadata(topics: string[] | null): Promise<ClusterMetadata> {
    const conn = await this.connection("any");
    const res = await conn.request(API_TABLE[3], {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: this.options.allowAutoTopicCreation,
      includeTopicAuthorizedOperations: false,
    });
    // v13+ (KIP-1102): a top-level error, e.g. REBOOTSTRAP_REQUIRED, comes with no brokers or
    // topics to believe.
    if (res.errorCode) {
      throw new KafkaError(res.errorCode, { api: "Metadata" });
    }
    if (topics === null) this.#fullRefreshSeen = true;
    const snapshot = this.#cache.apply(res, topics);
    for (const b of snapshot.brokers.values()) this.#learnBroker(b.nodeId, b.host, b.port);
    // Once real brokers are known, bootstrap connections would only duplicate theirs.
    if (snapshot.brokers.size > 0) { for (const b of this.#bootstrap) b.closeConnections(); }
    return snapshot;
  }
}

/** Splits `host:port` (IPv6 hosts in brackets). */
export function parseAddress(s: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) {
    throw new RangeError(
      `Cannot use broker address as it must be host:port: current value is "${s}"`,
    );
  }
  return { host: m[1]!, port };
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
