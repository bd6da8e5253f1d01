// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The producer's options, their defaults and their checks.
 *
 * @module
 */

import type { CompressionName } from "../protocol/compression/codec.ts";
import { type OptionSchema, validateOptions } from "../client/validate_options.ts";
import type { Partitioner } from "./partitioner.ts";
import type { Serializer } from "./serializer.ts";
import type { DeliveryReport } from "./producer_record.ts";

/** Options for {@linkcode Producer}. Every one is checked when the producer is made. */
export interface ProducerOptions {
  /**
   * Which replicas must have a record before it counts as delivered: `all` in-sync replicas,
   * the `leader` only, or `none` (no answer; offsets are unknown). @default {"all"}
   */
  acks?: "all" | "leader" | "none";
  /** How long a partial batch may wait for more records. @default {5} */
  lingerMs?: number;
  /** A batch is sent once it reaches this many bytes (a larger record goes alone). @default {1000000} */
  batchBytes?: number;
  /** A batch is sent once it holds this many records. @default {10000} */
  batchRecords?: number;
  /** Records accepted and not yet delivered, at most; more wait (backpressure). @default {100000} */
  maxBufferedRecords?: number;
  /** Bytes accepted and not yet delivered, at most (keys, values and headers). @default {67108864} */
  maxBufferedBytes?: number;
  /** Produce requests in flight per broker. With idempotence, at most 5. @default {5} */
  maxInFlight?: number;
  /**
   * Idempotent delivery: a producer id, an epoch and per-partition sequence numbers, so retries
   * never write a record twice or out of order. Needs acks `all`. @default {true}
   */
  idempotent?: boolean;
  /** How often a failed batch is tried again, within the delivery timeout. @default {Infinity} */
  retries?: number;
  /** Wait before trying a failed batch again. @default {100} */
  retryBackoffMs?: number;
  /** How long the broker may take to replicate a batch (the request's timeout). @default {30000} */
  requestTimeoutMs?: number;
  /** How long a record may take from acceptance to delivery, retries included. @default {120000} */
  deliveryTimeoutMs?: number;
  /** The codec for record batches. @default {"none"} */
  compression?: CompressionName;
  /** The largest record accepted; a larger one fails alone with MESSAGE_TOO_LARGE. @default {1048576} */
  maxRecordBytes?: number;
  /** The largest produce request. @default {67108864} */
  maxRequestBytes?: number;
  /** How long to wait for metadata of a topic (or a partition leader) before failing its records. @default {60000} */
  maxBlockMs?: number;
  /** Picks partitions for records that name none. @default {defaultPartitioner()} */
  partitioner?: Partitioner;
  /** Turns keys into bytes or strings. @default {keys must already be bytes, strings or null} */
  keySerializer?: Serializer<unknown>;
  /** Turns values into bytes or strings. @default {values must already be bytes, strings or null} */
  valueSerializer?: Serializer<unknown>;
  /**
   * Gets every failed record of `writable` writes (which have no report of their own). Without
   * it, failures are kept (the first 1000 and a count) and thrown by the next `flush()` or
   * `close()`.
   */
  onError?: (report: DeliveryReport) => void;
  /** Closes the producer when aborted; what is buffered is failed, not sent. */
  signal?: AbortSignal;
  /**
   * Makes the producer transactional (KIP-98): records are sent only inside transactions, which
   * commit or abort as a whole; a newer producer with the same id fences this one. Needs
   * idempotence. @default {none}
   */
  transactionalId?: string;
  /** How long the coordinator lets a transaction stay open before aborting it. @default {60000} */
  transactionTimeoutMs?: number;
}

/** The options with every default filled in. */
export type ResolvedProducerOptions =
  & Required<
    Omit<
      ProducerOptions,
      "partitioner" | "keySerializer" | "valueSerializer" | "onError" | "signal" | "transactionalId"
    >
  >
  & Pick<
    ProducerOptions,
    "partitioner" | "keySerializer" | "valueSerializer" | "onError" | "signal" | "transactionalId"
  >;

const MS = { type: "number", min: 0, max: 2 ** 31 - 1 } as const;

const SCHEMA: OptionSchema = {
  acks: { type: "string", oneOf: ["all", "leader", "none"] },
  lingerMs: MS,
  batchBytes: { type: "number", min: 1, max: 2 ** 30 },
  batchRecords: { type: "number", min: 1, max: 2 ** 30 },
  maxBufferedRecords: { type: "number", min: 1, max: 2 ** 31 - 1 },
  maxBufferedBytes: { type: "number", min: 1, max: 2 ** 40 },
  maxInFlight: { type: "number", min: 1, max: 1000 },
  idempotent: { type: "boolean" },
  retries: { type: "number", min: 0 },
  retryBackoffMs: MS,
  requestTimeoutMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  deliveryTimeoutMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  compression: { type: "string", oneOf: ["none", "gzip", "snappy", "lz4", "zstd"] },
  maxRecordBytes: { type: "number", min: 1, max: 2 ** 30 },
  maxRequestBytes: { type: "number", min: 1024, max: 2 ** 31 - 1 },
  maxBlockMs: MS,
  partitioner: { type: "object" },
  keySerializer: { type: "function" },
  valueSerializer: { type: "function" },
  onError: { type: "function" },
  signal: { type: "signal" },
  transactionalId: { type: "string", nonEmpty: true },
  transactionTimeoutMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
};

const DEFAULTS: ResolvedProducerOptions = {
  acks: "all",
  lingerMs: 5,
  batchBytes: 1_000_000,
  batchRecords: 10_000,
  maxBufferedRecords: 100_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxInFlight: 5,
  idempotent: true,
  retries: Infinity,
  retryBackoffMs: 100,
  requestTimeoutMs: 30_000,
  deliveryTimeoutMs: 120_000,
  compression: "none",
  maxRecordBytes: 1_048_576,
  maxRequestBytes: 64 * 1024 * 1024,
  maxBlockMs: 60_000,
  transactionTimeoutMs: 60_000,
};

/**
 * Checks producer options and fills in defaults.
 *
 * @throws {TypeError} for an unknown option or a value of the wrong type.
 * @throws {RangeError} for a value out of range, or idempotence with acks other than `all` or
 * more than 5 requests in flight.
 *
 * @example Idempotence needs acks all
 * ```ts
 * import { resolveProducerOptions } from "./producer_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveProducerOptions({}).lingerMs, 5);
 * assert.throws(() => resolveProducerOptions({ acks: "leader" }), /idempotent/);
 * assert.equal(resolveProducerOptions({ acks: "leader", idempotent: false }).acks, "leader");
 * ```
 */
export function resolveProducerOptions(options: ProducerOptions = {}): ResolvedProducerOptions {
  const o = validateOptions<ResolvedProducerOptions>(
    "Producer",
    SCHEMA,
    options as never,
    DEFAULTS,
  );
  if (o.idempotent && o.acks !== "all") {
    throw new RangeError(
      `Cannot use Producer option "acks" as an idempotent producer needs "all": current value is "${o.acks}" (set idempotent: false to use it)`,
    );
  }
  if (o.idempotent && o.maxInFlight > 5) {
    throw new RangeError(
      `Cannot use Producer option "maxInFlight" as an idempotent producer allows at most 5: current value is ${o.maxInFlight}`,
    );
  }
  if (o.transactionalId !== undefined && !o.idempotent) {
    throw new RangeError(
      `Cannot use Producer option "idempotent" as a transactional producer needs it: current value is false`,
    );
  }
  if (o.partitioner !== undefined && typeof o.partitioner.partition !== "function") {
    throw new TypeError(`Cannot use Producer option "partitioner" as it has no partition() method`);
  }
  return o;
}

/** The `acks` option as the number a Produce request carries. */
export function acksValue(acks: ResolvedProducerOptions["acks"]): number {
  return acks === "all" ? -1 : acks === "leader" ? 1 : 0;
}
