// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * One submission's outcome tracker: a count of records still undelivered and, when the caller
 * wants them, their reports. One per `send()` call or `writable` write, never one per record,
 * so the hot path makes no promise per record.
 *
 * @module
 */

import type { DeliveryReport } from "./producer_record.ts";

/** Where failures of submissions without reports go. */
export type FailureSink = (report: DeliveryReport) => void;

/** Tracks the records of one submission until each is delivered or failed. */
export class Delivery {
  /** Reports by record index, when wanted; `null` for `writable` writes. */
  readonly reports: DeliveryReport[] | null;
  /** Records still undelivered. */
  remaining: number;
  /** Send without lingering: `send()` waits for its answer. */
  readonly urgent: boolean;
  readonly #onDone: ((reports: DeliveryReport[] | null) => void) | undefined;
  readonly #onFailure: FailureSink;

  constructor(
    count: number,
    wantReports: boolean,
    urgent: boolean,
    onFailure: FailureSink,
    onDone?: (reports: DeliveryReport[] | null) => void,
  ) {
    this.remaining = count;
    this.reports = wantReports ? new Array(count) : null;
    this.urgent = urgent;
    this.#onFailure = onFailure;
    this.#onDone = onDone;
    if (count === 0) onDone?.(this.reports);
  }

  /** Records the delivery of record `index`. */
  delivered(
    index: number,
    topic: string,
    partition: number,
    offset: number,
    timestamp: number,
  ): void {
    if (this.reports !== null) this.reports[index] = { topic, partition, offset, timestamp };
    if (--this.remaining === 0) this.#onDone?.(this.reports);
  }

  /** Records the failure of record `index`. */
  failed(index: number, topic: string, partition: number, timestamp: number, error: Error): void {
    const report: DeliveryReport = { topic, partition, offset: -1, timestamp, error };
    if (this.reports !== null) this.reports[index] = report;
    else this.#onFailure(report);
    if (--this.remaining === 0) this.#onDone?.(this.reports);
  }
}
