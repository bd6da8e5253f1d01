// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * One pipelined connection to one broker.
 *
 * @module
 */

import { KafkaError, MalformedDataError } from "../protocol/kafka_error.ts";
import { Writer } from "../protocol/writer.ts";
import { ApiVersionTable } from "../protocol/versions.ts";
import type { ApiCodec } from "../protocol/messages/api_table.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import {
  CLIENT_APIS,
  peekCorrelationId,
  readResponseFrame,
  writeRequestFrame,
} from "../protocol/request_frame.ts";
import { ConnectionError } from "./connection_error.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import { ResponseReceiver } from "./response_receiver.ts";
import { type StageHandle, StageRegistry } from "./stage_registry.ts";
import { KANAL_SOFTWARE_NAME, KANAL_VERSION } from "./version.ts";
import type { BrokerSocket, TlsOptions, Transport } from "./transport.ts";
import { emit, type Observer } from "../observe/kafka_event.ts";
import type { SaslMechanism } from "../sasl/sasl_mechanism.ts";
import { saslAuthenticate } from "./_sasl_authenticate.ts";

const REQUEST_TIMED_OUT = 7;
const UNSUPPORTED_VERSION = 35;

/** Options for {@linkcode BrokerConnection.connect}. */
export interface BrokerConnectionOptions {
  /** The broker's host. */
  host: string;
  /** The broker's port. */
  port: number;
  /** Opens the socket; `defaultTransport()` picks the runtime's own. */
  transport: Transport;
  /** Sent in every request header. @default {"kanal"} */
  clientId?: string | null;
  /** TLS, when the listener wants it. */
  tls?: TlsOptions | boolean;
  /**
   * SASL, when the listener wants it: the connection authenticates after negotiating versions
   * and again before the session the broker granted ends (KIP-368).
   */
  sasl?: SaslMechanism;
  /** Requests sent and not yet answered, at most. More wait their turn. @default {5} */
  maxInFlight?: number;
  /** How long a request may wait for its answer before it fails and the connection closes. @default {30000} */
  requestTimeoutMs?: number;
  /** How long dialing and the ApiVersions exchange may take. @default {10000} */
  connectTimeoutMs?: number;
  /** The largest response frame accepted. @default {104857600} */
  maxFrameBytes?: number;
  /** Aborts the dial. Once connected, use `close()`. */
  signal?: AbortSignal;
  /** Where the connection's responseReceiver registers. @default {a private registry} */
  registry?: StageRegistry;
  /** How the stage dump names this connection, e.g. `broker 2, fetch connection`. */
  role?: string;
  /** Receives connection and request events (lib/observe). */
  observe?: Observer;
}

/** Options for one {@linkcode BrokerConnection.request}. */
export interface RequestOptions {
  /** The version to send; by default the highest both sides speak. */
  version?: number;
  /** Overrides the connection's request timeout, e.g. for a long-poll Fetch. */
  timeoutMs?: number;
  /** Whether the broker answers. Produce with acks 0 gets no answer. @default {true} */
  expectResponse?: boolean;
  /** Gives up waiting; a request already sent still takes its place in the answer order. */
  signal?: AbortSignal;
}

interface Pending {
  correlationId: number;
  // deno-lint-ignore no-explicit-any
  api: ApiCodec<any, any>;
  version: number;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
  /** For the request event: when it was sent, its size; 0 without an observer. */
  sentAt: number;
  bytesOut: number;
}

/**
 * A connection to one broker that carries several requests at once.
 *
 * Requests are written in order and Kafka answers them in order, so answers are matched to
 * requests by a FIFO queue and checked against their correlation ids. At most `maxInFlight`
 * requests are outstanding; more wait. A request that times out fails with a retriable
 * `REQUEST_TIMED_OUT` and closes the connection: a broker that stopped answering one request
 * will not answer the ones behind it. When the connection drops, every request in flight fails
 * with a retriable {@linkcode ConnectionError}; the caller reconnects (the cluster client does
 * so with backoff).
 *
 * Connecting negotiates API versions, so `request` can pick the best version by itself.
 *
 * @example Ask a broker for its metadata
 * ```ts ignore
 * import { BrokerConnection } from "./broker_connection.ts";
 * import { defaultTransport } from "./default_transport.ts";
 * import { API_TABLE } from "../protocol/messages/api_table.ts";
 *
 * await using conn = await BrokerConnection.connect({
 *   host: "127.0.0.1", port: 9092, transport: await defaultTransport(),
 * });
 * const meta = await conn.request(API_TABLE[3], { topics: null });
 * console.log(meta.clusterId);
 * ```
 */
export class BrokerConnection implements AsyncDisposable {
  /** The broker's host. */
  readonly host: string;
  /** The broker's port. */
  readonly port: number;
  /** The responseReceiver stage's entry in the stage dump. */
  readonly stage: StageHandle;

  readonly #socket: BrokerSocket;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #clientId: string | null;
  readonly #maxInFlight: number;
  readonly #requestTimeoutMs: number;
  readonly #pending: Pending[] = [];
  readonly #slotWaiters: Array<() => void> = [];
  readonly #writers: Writer[] = [];
  readonly #closed: Promise<void>;
  #closedResolve!: () => void;
  #error: KafkaError | undefined;
  // Empty until negotiation: ApiVersions itself is sent at an explicit version.
  #versions: ApiVersionTable = new ApiVersionTable([], CLIENT_APIS);
  #nextCorrelationId = 1;
  #sent = 0;
  readonly #observe: Observer | undefined;
  readonly #role: string;
  #opened = false;
  // SASL re-authentication (KIP-368): when it is due, and the exchange under way, which other
  // requests wait for; #bypass lets the exchange's own requests through.
  #sasl: SaslMechanism | undefined;
  #reauthAt = Infinity;
  #reauth: Promise<void> | undefined;
  #bypass = false;

  private constructor(
    socket: BrokerSocket,
    options: BrokerConnectionOptions,
    stage: StageHandle,
  ) {
    this.host = options.host;
    this.port = options.port;
    this.#socket = socket;
    this.#writer = socket.writable.getWriter();
    this.#clientId = options.clientId === undefined ? "kanal" : options.clientId;
    this.#maxInFlight = options.maxInFlight ?? 5;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#observe = options.observe;
    this.#role = options.role ?? `${options.host}:${options.port}`;
    this.stage = stage;
    stage.counters.inFlight = 0;
    stage.counters.requests = 0;
    this.#closed = new Promise((r) => this.#closedResolve = r);
    const receiver = new ResponseReceiver(stage, (frame) => this.#onFrame(frame));
    socket.readable
      .pipeThrough(new FrameDecoder({ maxFrameBytes: options.maxFrameBytes }))
      .pipeTo(receiver)
      .then(
        () =>
          this.#fail(new ConnectionError(this.host, this.port, "Connection closed by the broker")),
        (e) => this.#fail(asConnectionError(this.host, this.port, e)),
      );
  }

  /**
   * Dials the broker and negotiates API versions with it.
   *
   * @throws {ConnectionError} when the broker cannot be reached or answers nothing usable.
   */
  static async connect(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const socket = await options.transport({
      host: options.host,
      port: options.port,
      tls: options.tls,
      signal: options.signal,
      timeoutMs,
    });
    const registry = options.registry ?? new StageRegistry();
    const stage = registry.register(
      "responseReceiver",
      options.role ?? `${options.host}:${options.port}`,
    );
    const conn = new BrokerConnection(socket, options, stage);
    try {
      const table = await conn.#negotiate(timeoutMs);
      conn.#versions = table;
      conn.#opened = true;
      emit(conn.#observe, { type: "connection.open", broker: conn.#broker, role: conn.#role });
      conn.#sasl = options.sasl;
      if (conn.#sasl) await conn.#authenticate(timeoutMs);
      return conn;
    } catch (e) {
      await conn.close();
      throw (e instanceof KafkaError && !(e instanceof MalformedDataError)) ||
          e instanceof TypeError
        ? e
        : new ConnectionError(options.host, options.port, "Cannot negotiate API versions", {
          cause: e,
        });
    }
  }

  /** The versions negotiated with this broker. */
  get versions(): ApiVersionTable {
    return this.#versions;
  }

  /** Resolves when the connection has ended, for whatever reason. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Whether requests can still be sent. */
  get isOpen(): boolean {
    return this.#error === undefined;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.#pending.length;
  }

  /**
   * Sends a request and resolves with the broker's answer, decoded.
   *
   * @throws {KafkaError} `UNSUPPORTED_VERSION` when the broker does not speak the API;
   * `REQUEST_TIMED_OUT` (retriable) when no answer came in time; {@linkcode ConnectionError}
   * (retriable) when the connection is closed or drops; `MalformedDataError` when the answer
   * cannot be decoded.
   */
  async request<Req, Res>(
    api: ApiCodec<Req, Res>,
    body: Req,
    options: RequestOptions = {},
  ): Promise<Res> {
    const bypass = this.#bypass;
    this.#bypass = false;
    if (!bypass && (this.#reauth !== undefined || Date.now() >= this.#reauthAt)) {
      await this.#reauthenticate();
    }
    const version = options.version ?? this.versions.version(api.info.key);
    if (this.#error) throw this.#error;
    options.signal?.throwIfAborted();
    if (this.#pending.length >= this.#maxInFlight) await this.#waitForSlot(options.signal);
    if (this.#error) throw this.#error;

    const w = this.#writers.pop() ?? new Writer(4096);
    w.reset();
    const correlationId = this.#nextCorrelationId;
    this.#nextCorrelationId = (this.#nextCorrelationId + 1) & 0x7fffffff || 1;
    writeRequestFrame(w, api, version, correlationId, this.#clientId, body);
    this.stage.counters.requests!++;
    this.stage.counters.bytesOut = (this.stage.counters.bytesOut ?? 0) + w.length;

    if (options.expectResponse === false) {
      try {
        await this.#writer.write(w.finish());
      } catch (e) {
        throw this.#fail(asConnectionError(this.host, this.port, e));
      } finally {
        this.#writers.push(w);
      }
      return undefined as Res;
    }

    // Not Promise.withResolvers: Node 20 lacks it.
    let resolve!: (value: Res) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<Res>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = {
      correlationId,
      api,
      version,
      resolve: resolve as (v: unknown) => void,
      reject,
      timer: undefined,
      done: false,
      sentAt: this.#observe ? performance.now() : 0,
      bytesOut: w.length,
    };
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    pending.timer = setTimeout(() => {
      this.#fail(
        new KafkaError(REQUEST_TIMED_OUT, { api: api.info.name }, {
          message: `No answer from ${this.host}:${this.port} within ${timeoutMs} ms`,
        }),
      );
    }, timeoutMs);
    this.#pending.push(pending);
    this.#sent++;
    this.#updateStage();
    const onAbort = () => settle(pending, options.signal!.reason, false);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // The chunk is a view of the pooled writer: it goes back to the pool only once written.
    this.#writer.write(w.finish()).then(
      () => this.#writers.push(w),
      (e) => this.#fail(asConnectionError(this.host, this.port, e)),
    );
    try {
      return await promise;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Closes the connection; requests in flight fail with a retriable {@linkcode ConnectionError}. */
  async close(): Promise<void> {
    this.#fail(new ConnectionError(this.host, this.port, "Connection closed by the client"));
    await this.#closed;
  }

  /** Closes the connection, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onFrame(frame: Uint8Array): void {
    // Checked before the request leaves the queue: a bad frame ends the connection, and #fail
    // must still find the request it was due for, or that request would never settle.
    const due = this.#pending[0];
    const id = frame.length >= 4 ? peekCorrelationId(frame) : undefined;
    if (due === undefined || due.correlationId !== id) {
      const what = id === undefined
        ? `a ${frame.length}-byte answer, too short for a correlation id,`
        : `an answer with correlation id ${id}`;
      throw this.#fail(
        new ConnectionError(this.host, this.port, "Dropped connection", {
          cause: new MalformedDataError(
            `${what} came where ${
              due ? `correlation id ${due.correlationId}` : "no answer"
            } was due`,
            { api: due?.api.info.name },
          ),
        }),
      );
    }
    const pending = this.#pending.shift()!;
    clearTimeout(pending.timer);
    if (this.#observe) this.#requestEvent(pending, frame.length, undefined);
    try {
      settle(pending, readResponseFrame(frame, pending.api, pending.version).body, true);
    } catch (e) {
      // A broker that does not know the ApiVersions version asked for answers in the v0
      // layout (with UNSUPPORTED_VERSION); anything else: the frame was whole, so only this
      // answer is bad and the connection goes on.
      if (pending.api.info.key === 18 && pending.version > 0) {
        try {
          settle(pending, readResponseFrame(frame, pending.api, 0).body, true);
        } catch {
          settle(pending, e, false);
        }
      } else settle(pending, e, false);
    }
    this.#updateStage();
    this.#slotWaiters.shift()?.();
  }

  #waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.#slotWaiters.indexOf(wake);
        if (i >= 0) this.#slotWaiters.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#slotWaiters.push(wake);
    });
  }

  get #broker(): string {
    return `${this.host}:${this.port}`;
  }

  #requestEvent(p: Pending, bytesIn: number, error: unknown): void {
    emit(this.#observe, {
      type: "request",
      broker: this.#broker,
      api: p.api.info.name,
      version: p.version,
      latencyMs: performance.now() - p.sentAt,
      bytesOut: p.bytesOut,
      bytesIn,
      ...(error === undefined ? {} : { error }),
    });
  }

  #updateStage(): void {
    this.stage.counters.inFlight = this.#pending.length;
    this.stage.set(this.#pending.length > 0 ? "request in flight" : "idle");
  }

  /** Ends the connection with `error` (once) and fails everything waiting on it. */
  #fail(error: KafkaError): KafkaError {
    if (this.#error) return this.#error;
    this.#error = error;
    for (const p of this.#pending.splice(0)) {
      clearTimeout(p.timer);
      if (this.#observe && !p.done) this.#requestEvent(p, 0, error);
      settle(p, error, false);
    }
    if (this.#opened) {
      emit(this.#observe, {
        type: "connection.close",
        broker: this.#broker,
        role: this.#role,
        reason: error,
      });
    }
    for (const wake of this.#slotWaiters.splice(0)) wake();
    this.stage.counters.inFlight = 0;
    this.stage.close();
    this.#writer.releaseLock();
    this.#socket.close().catch(() => {}).finally(() => this.#closedResolve());
    return error;
  }

  /** Runs the SASL exchange and schedules the next one inside the session it was granted. */
  async #authenticate(timeoutMs: number): Promise<void> {
    const started = Date.now();
    const lifetime = await saslAuthenticate(
      (api, body, version) => {
        this.#bypass = true;
        return this.request(api, body, { version, timeoutMs });
      },
      this.#sasl!,
      this.host,
      this.port,
      this.#versions.version(36),
    );
    // As Java's clients: somewhere in 85% to 95% of the session, so connections spread out.
    this.#reauthAt = lifetime > 0 ? started + lifetime * (0.85 + Math.random() * 0.1) : Infinity;
  }

  /** Holds new requests while the connection authenticates again; a failure ends it. */
  async #reauthenticate(): Promise<void> {
    this.#reauth ??= this.#authenticate(this.#requestTimeoutMs).then(
      () => this.#reauth = undefined,
      (e) => {
        this.#fail(asConnectionError(this.host, this.port, e));
      },
    );
    await this.#reauth;
    if (this.#error) throw this.#error;
  }

  /**
   * Sends ApiVersions at the newest version kanal knows. A broker that does not know that
   * version answers in the v0 layout with UNSUPPORTED_VERSION and its own range for
   * ApiVersions; then the request is sent again at the broker's newest version.
   */
  async #negotiate(timeoutMs: number): Promise<ApiVersionTable> {
    const ours = CLIENT_APIS.find((a) => a.key === 18)!;
    let version = ours.maxVersion;
    for (let attempt = 0; attempt < 2; attempt++) {
      const body = {
        clientSoftwareName: KANAL_SOFTWARE_NAME,
        clientSoftwareVersion: KANAL_VERSION,
      };
      const res = await this.request(API_TABLE[18], body, { version, timeoutMs });
      if (res.errorCode === 0) return new ApiVersionTable(res.apiKeys, CLIENT_APIS);
      if (res.errorCode !== UNSUPPORTED_VERSION) {
        throw new KafkaError(res.errorCode, { api: "ApiVersions" });
      }
      const theirs = res.apiKeys.find((k) => k.apiKey === 18);
      if (theirs === undefined) break;
      version = Math.min(theirs.maxVersion, ours.maxVersion);
    }
    throw new KafkaError(UNSUPPORTED_VERSION, { api: "ApiVersions" }, {
      message: `${this.host}:${this.port} and kanal share no ApiVersions version`,
    });
  }
}

function settle(p: Pending, value: unknown, ok: boolean): void {
  if (p.done) return;
  p.done = true;
  if (ok) p.resolve(value);
  else p.reject(value);
}

/**
 * The error every request in flight fails with when the connection ends. Bad framing or a
 * misordered answer breaks only this connection, so it is retriable on a new one.
 */
function asConnectionError(host: string, port: number, e: unknown): KafkaError {
  if (e instanceof KafkaError && !(e instanceof MalformedDataError)) return e;
  return new ConnectionError(host, port, "Connection lost", { cause: e });
}
