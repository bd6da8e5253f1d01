// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The consumer's options, their defaults and their checks.
 *
 * @module
 */

import { type OptionSchema, validateOptions } from "../client/validate_options.ts";

/** Options for {@linkcode Consumer}. Every one is checked when the consumer is made. */
export interface ConsumerOptions {
  /** How long a broker may hold a fetch waiting for `minBytes`. @default {500} */
  maxWaitMs?: number;
  /** Bytes a fetch waits for before the broker answers. @default {1} */
  minBytes?: number;
  /** Bytes one fetch may return over all partitions (a larger first batch still comes). @default {16777216} */
  maxBytes?: number;
  /** Bytes one fetch may return for one partition (a larger first batch still comes). @default {1048576} */
  maxPartitionBytes?: number;
  /**
   * Bytes of records a partition may hold waiting for its reader. A partition at its budget is
   * left out of fetches until its reader catches up, so a slow partition never holds up the
   * others and memory stays bounded. @default {4194304}
   */
  partitionBufferBytes?: number;
  /** `read_uncommitted` sees every record; `read_committed` hides aborted transactions. @default {"read_uncommitted"} */
  isolationLevel?: "read_uncommitted" | "read_committed";
  /** Check each batch's CRC. @default {true} */
  checkCrc?: boolean;
  /** The most bytes one batch may decompress to. @default {67108864} */
  maxDecompressedBytes?: number;
  /**
   * What a partition does when its offset is out of range (deleted by retention, or past the
   * end): restart from the `oldest` or `newest` record, or fail its stream (`error`). @default {"oldest"}
   */
  offsetOutOfRange?: "oldest" | "newest" | "error";
  /**
   * What a partition does when the broker says its log was truncated under it (KIP-320: an
   * unclean leader election dropped records this consumer already read): go on from the
   * divergence point (`resume`, the first record the new leader has that this consumer has
   * not seen), or fail its stream with a `LogTruncationError` (`error`). Neither
   * skips records nor replays them silently. @default {"resume"}
   */
  logTruncation?: "resume" | "error";
  /** Wait after a failed fetch or leader lookup before trying again. @default {250} */
  retryBackoffMs?: number;
  /** Use fetch sessions (KIP-227) where the broker offers them. @default {true} */
  fetchSessions?: boolean;
  /**
   * This client's rack (Java's `client.rack`), "" for none. Sent in Fetch requests (v11+,
   * KIP-392): a leader may then name a replica in this rack, and the partition fetches from it
   * until that fails. In a group it goes in the member's subscription, where the range and sticky
   * assignors prefer partitions with a replica in this rack (KIP-881). @default {""}
   */
  rack?: string;
  /** Closes the consumer when aborted. */
  signal?: AbortSignal;
}

/** The options with every default filled in. */
export type ResolvedConsumerOptions = Required<Omit<ConsumerOptions, "signal">> & {
  signal?: AbortSignal;
};

const SCHEMA: OptionSchema = {
  maxWaitMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  minBytes: { type: "number", min: 0, max: 2 ** 31 - 1 },
  maxBytes: { type: "number", min: 1, max: 2 ** 31 - 1 },
  maxPartitionBytes: { type: "number", min: 1, max: 2 ** 31 - 1 },
  partitionBufferBytes: { type: "number", min: 1, max: 2 ** 40 },
  isolationLevel: { type: "string", oneOf: ["read_uncommitted", "read_committed"] },
  checkCrc: { type: "boolean" },
  maxDecompressedBytes: { type: "number", min: 1, max: 2 ** 31 - 1 },
  offsetOutOfRange: { type: "string", oneOf: ["oldest", "newest", "error"] },
  logTruncation: { type: "string", oneOf: ["resume", "error"] },
  retryBackoffMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  fetchSessions: { type: "boolean" },
  rack: { type: "string" },
  signal: { type: "signal" },
};

const DEFAULTS: ResolvedConsumerOptions = {
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 16 * 1024 * 1024,
  maxPartitionBytes: 1024 * 1024,
  partitionBufferBytes: 4 * 1024 * 1024,
  isolationLevel: "read_uncommitted",
  checkCrc: true,
  maxDecompressedBytes: 64 * 1024 * 1024,
  offsetOutOfRange: "oldest",
  logTruncation: "resume",
  retryBackoffMs: 250,
  fetchSessions: true,
  rack: "",
};

/**
 * Checks consumer options and fills in defaults. `maxFrameBytes` is the client's: the fetch
 * limits must fit in it.
 *
 * @example
 * ```ts
 * import { resolveConsumerOptions } from "./consumer_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveConsumerOptions({}).maxWaitMs, 500);
 * assert.throws(() => resolveConsumerOptions({ isolationLevel: "committed" as never }), /read_committed/);
 * ```
 */
export function resolveConsumerOptions(
  options: ConsumerOptions = {},
  maxFrameBytes: number = Infinity,
): ResolvedConsumerOptions {
  const o = validateOptions<ResolvedConsumerOptions>(
    "Consumer",
    SCHEMA,
    options as never,
    DEFAULTS,
  );
  // A fetch answer of maxBytes must fit in one frame, or every fetch that fills it would end
  // its connection.
  for (const key of ["maxBytes", "maxPartitionBytes"] as const) {
    if (o[key] > maxFrameBytes) {
      throw new RangeError(
        `Cannot use Consumer option "${key}" as it must be at most the client's maxFrameBytes ` +
          `(${maxFrameBytes}): current value is ${o[key]}`,
      );
    }
  }
  return o;
}
