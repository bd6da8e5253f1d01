// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The error `flush()` and `close()` throw for records written through `producer.writable` that
 * failed, when no `onError` handler took them.
 *
 * @module
 */

import type { DeliveryReport } from "./producer_record.ts";

/**
 * Records written without a report of their own that were not delivered. `reports` holds the
 * first 1000 failures (each with its `error`), `count` how many there were in all.
 *
 * @example
 * ```ts
 * import { ProduceError } from "./produce_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new ProduceError([{ topic: "t", partition: 0, offset: -1, timestamp: 0, error: new Error("x") }], 3);
 * assert.equal(err.count, 3);
 * assert.match(err.message, /3 records were not delivered/);
 * ```
 */
export class ProduceError extends Error {
  /** The first failures, each with its error. */
  readonly reports: readonly DeliveryReport[];
  /** How many records failed in all. */
  readonly count: number;

  /** Makes the error from the kept reports and the total count. */
  constructor(reports: readonly DeliveryReport[], count: number) {
    const first = reports[0]?.error;
    super(
      `${count} record${count === 1 ? " was" : "s were"} not delivered` +
        (first ? `; the first: ${first.message}` : ""),
      { cause: first },
    );
    this.name = "ProduceError";
    this.reports = reports;
    this.count = count;
  }
}
