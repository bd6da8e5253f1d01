// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The typed errors of kanal: broker error codes and client-side failures.
 *
 * @module
 */

import { ERROR_CODES, type ErrorCodeInfo } from "./error_codes.ts";

const BY_CODE: Map<number, ErrorCodeInfo> = new Map(ERROR_CODES.map((e) => [e.code, e]));

/** Where an error came from, to make its message useful. */
export interface ErrorSite {
  /** The API that failed, e.g. `Produce`. */
  api?: string;
  /** The broker that answered. */
  broker?: number;
  /** The topic concerned. */
  topic?: string;
  /** The partition concerned. */
  partition?: number;
  /** The broker's own error message, when it sent one. */
  detail?: string | null;
}

/** Options for {@linkcode KafkaError}. */
export interface KafkaErrorOptions extends ErrorOptions {
  /** Overrides the table's retriable advice, for client-side conditions. */
  retriable?: boolean;
  /** Overrides the table's message. */
  message?: string;
}

/**
 * An error with a Kafka error code, its protocol name and retry advice.
 *
 * Broker errors carry the code the broker sent. Client-side failures use the closest Kafka
 * code (a malformed frame is `CORRUPT_MESSAGE`, a timeout `REQUEST_TIMED_OUT`) and say in
 * `retriable` whether sending again may help.
 *
 * @example An error from a code
 * ```ts
 * import { KafkaError } from "./kafka_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new KafkaError(2, { topic: "t", partition: 0 });
 * assert.equal(err.errorName, "CORRUPT_MESSAGE");
 * assert.equal(err.retriable, true);
 * ```
 */
export class KafkaError extends Error {
  /** Kafka's numeric error code. */
  readonly code: number;
  /** Kafka's name for the code, e.g. `NOT_LEADER_OR_FOLLOWER`. */
  readonly errorName: string;
  /** Whether sending the request again may succeed. */
  readonly retriable: boolean;
  /** Where the error happened. */
  readonly site: ErrorSite;

  /** Makes the error for `code`; an unknown code keeps its number with the name `UNKNOWN_CODE_<n>`. */
  constructor(code: number, site: ErrorSite = {}, options: KafkaErrorOptions = {}) {
    const info = BY_CODE.get(code);
    const errorName = info?.name ?? `UNKNOWN_CODE_${code}`;
    const base = options.message ?? info?.message ?? "Unknown error code";
    super(formatMessage(errorName, base, site), options);
    this.name = "KafkaError";
    this.code = code;
    this.errorName = errorName;
    this.retriable = options.retriable ?? info?.retriable ?? false;
    this.site = site;
  }
}

/**
 * A frame or record batch that cannot be decoded: a length past the end, a bad varint, a count
 * that cannot fit. Code `CORRUPT_MESSAGE`; not retriable, as decoding the same bytes again
 * fails again.
 *
 * @example
 * ```ts
 * import { MalformedDataError } from "./kafka_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new MalformedDataError("string length 9 passes the end of the frame");
 * assert.equal(err.errorName, "CORRUPT_MESSAGE");
 * assert.equal(err.retriable, false);
 * ```
 */
export class MalformedDataError extends KafkaError {
  /** Makes the error; `reason` says what was wrong with the bytes. */
  constructor(reason: string, site: ErrorSite = {}) {
    super(2, site, { retriable: false, message: `Malformed data: ${reason}` });
    this.name = "MalformedDataError";
  }
}

/**
 * Returns the error for a broker's error code, or `undefined` for 0 (no error).
 *
 * @example
 * ```ts
 * import { errorForCode } from "./kafka_error.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(errorForCode(0), undefined);
 * assert.equal(errorForCode(-1)?.errorName, "UNKNOWN_SERVER_ERROR");
 * ```
 */
export function errorForCode(code: number, site?: ErrorSite): KafkaError | undefined {
  return code === 0 ? undefined : new KafkaError(code, site);
}

/** Returns the table row for a code, if Kafka defines it. */
export function errorCodeInfo(code: number): ErrorCodeInfo | undefined {
  return BY_CODE.get(code);
}

function formatMessage(name: string, base: string, site: ErrorSite): string {
  const where: string[] = [];
  if (site.api !== undefined) where.push(site.api);
  if (site.broker !== undefined) where.push(`broker ${site.broker}`);
  if (site.topic !== undefined) {
    where.push(site.partition !== undefined ? `${site.topic}/${site.partition}` : site.topic);
  }
  const detail = site.detail ? ` (${site.detail})` : "";
  return `${name}: ${base}${detail}${where.length ? ` [${where.join(", ")}]` : ""}`;
}
