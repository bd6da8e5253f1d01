// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * One broker as the client sees it: its address and its connections, one per kind of traffic.
 *
 * @module
 */

import { BrokerConnection, type BrokerConnectionOptions } from "../net/broker_connection.ts";
import type { StageRegistry } from "../net/stage_registry.ts";
import type { TlsOptions, Transport } from "../net/transport.ts";
import type { SaslMechanism } from "../sasl/sasl_mechanism.ts";
import { sleep } from "../util/sleep.ts";
import type { Observer } from "../observe/kafka_event.ts";

/**
 * The kinds of traffic that get their own connection to a broker, so that a long-poll Fetch
 * never delays a Produce, a heartbeat or a commit, and a JoinGroup or SyncGroup the coordinator
 * parks for a rebalance (`join`) never delays a heartbeat, a commit or another group.
 */
export type ConnectionKind = "produce" | "fetch" | "group" | "join";

/** How a {@linkcode Broker} connects. */
export interface BrokerOptions {
  /** Opens sockets. */
  transport: Transport;
  /** Where the connections' responseReceivers register. */
  registry: StageRegistry;
  /** Sent in every request header. */
  clientId: string;
  /** TLS, if the listener wants it. */
  tls?: TlsOptions | boolean;
  /** SASL, if the listener wants it. */
  sasl?: SaslMechanism;
  /** Per-connection in-flight limit. */
  maxInFlight: number;
  /** The largest response frame accepted. */
  maxFrameBytes?: number;
  /** Per-request timeout. */
  requestTimeoutMs: number;
  /** Dial and ApiVersions timeout. */
  connectTimeoutMs: number;
  /** First wait before reconnecting after a failure; doubles per failure. */
  reconnectBackoffMs: number;
  /** Longest wait before reconnecting. */
  reconnectBackoffMaxMs: number;
  /** Aborts everything when the client closes. */
  signal: AbortSignal;
  /** Receives the connections' events. */
  observe?: Observer;
}

interface Slot {
  conn?: BrokerConnection;
  connecting?: Promise<BrokerConnection>;
  failures: number;
  retryAt: number;
}

/**
 * A broker's connections, made on first use and remade after a failure with exponential backoff
 * and jitter (so a cluster restart is not met by every client at the same instant).
 *
 * @example Connections are made lazily
 * ```ts ignore
 * const broker = new Broker(1, "127.0.0.1", 9092, options);
 * const conn = await broker.connection("group");
 * ```
 */
export class Broker {
  /** The node id; bootstrap brokers, whose ids are unknown, get negative ones. */
  readonly nodeId: number;
  /** The host. */
  readonly host: string;
  /** The port. */
  readonly port: number;
  readonly #options: BrokerOptions;
  readonly #slots: Record<ConnectionKind, Slot> = {
    produce: { failures: 0, retryAt: 0 },
    fetch: { failures: 0, retryAt: 0 },
    group: { failures: 0, retryAt: 0 },
    join: { failures: 0, retryAt: 0 },
  };
  #closed = false;

  /** Describes a broker; nothing connects until {@linkcode Broker.connection}. */
  constructor(nodeId: number, host: string, port: number, options: BrokerOptions) {
    this.nodeId = nodeId;
    this.host = host;
    this.port = port;
    this.#options = options;
  }

  /**
   * The open connection of `kind`, connecting if there is none. After a failure, the next
   * attempt waits out the backoff first.
   */
  connection(kind: ConnectionKind): Promise<BrokerConnection> {
    const slot = this.#slots[kind];
    if (slot.conn?.isOpen) return Promise.resolve(slot.conn);
    slot.connecting ??= this.#connect(kind, slot).finally(() => slot.connecting = undefined);
    return slot.connecting;
  }

  /** The connection of `kind` if one is open now, without connecting. */
  openConnection(kind: ConnectionKind): BrokerConnection | undefined {
    const conn = this.#slots[kind].conn;
    return conn?.isOpen ? conn : undefined;
  }

  /** Closes the open connections; the broker may connect again on next use. */
  closeConnections(): void {
    for (const slot of Object.values(this.#slots)) slot.conn?.close();
  }

  /** Closes every connection for good. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      Object.values(this.#slots).map(async (slot) => {
        const pending = slot.connecting;
        await slot.conn?.close();
        if (pending) await pending.then((c) => c.close(), () => {});
      }),
    );
  }

  async #connect(kind: ConnectionKind, slot: Slot): Promise<BrokerConnection> {
    const o = this.#options;
    const wait = slot.retryAt - Date.now();
    if (wait > 0) await sleep(wait, o.signal);
    o.signal.throwIfAborted();
    const id = this.nodeId < 0 ? "bootstrap" : `broker ${this.nodeId}`;
    const options: BrokerConnectionOptions = {
      host: this.host,
      port: this.port,
      transport: o.transport,
      clientId: o.clientId,
      tls: o.tls,
      sasl: o.sasl,
      maxInFlight: o.maxInFlight,
      maxFrameBytes: o.maxFrameBytes,
      requestTimeoutMs: o.requestTimeoutMs,
      connectTimeoutMs: o.connectTimeoutMs,
      signal: o.signal,
      registry: o.registry,
      role: `${id} (${this.host}:${this.port}), ${kind} connection`,
      observe: o.observe,
    };
    try {
      const conn = await BrokerConnection.connect(options);
      if (this.#closed) {
        await conn.close();
        o.signal.throwIfAborted();
      }
      slot.conn = conn;
      slot.failures = 0;
      // A connection that later drops should not be redialed in a tight loop either.
      conn.closed.then(() => {
        if (slot.conn === conn) this.#backoff(slot, 1);
      });
      return conn;
    } catch (e) {
      this.#backoff(slot, slot.failures + 1);
      throw e;
    }
  }

  #backoff(slot: Slot, failures: number): void {
    const o = this.#options;
    slot.failures = failures;
    const base = Math.min(o.reconnectBackoffMaxMs, o.reconnectBackoffMs * 2 ** (failures - 1));
    // +-20% jitter, as Kafka's own clients do.
    slot.retryAt = Date.now() + base * (0.8 + Math.random() * 0.4);
  }
}
