// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The chunk that moves between producer stages: a run of records with, for each, the
 * submission it belongs to, its index there and the buffer bytes it was charged. Parallel
 * arrays, so a run of ten thousand records is five objects, not ten thousand.
 *
 * @module
 */

import type { RecordHeaderInput } from "../protocol/record.ts";
import type { Delivery } from "./_delivery.ts";

/** A record after intake: key and value are bytes, strings or null; headers a list. */
export interface NormalizedRecord {
  readonly topic: string;
  readonly key?: Uint8Array | string | null;
  readonly value: Uint8Array | string | null;
  readonly headers?: readonly RecordHeaderInput[];
  readonly timestamp?: number;
  readonly partition?: number;
}

/** Records bound for one stage, with their bookkeeping. */
export interface RecordRun {
  readonly records: NormalizedRecord[];
  readonly deliveries: Delivery[];
  readonly indices: number[];
  readonly sizes: number[];
  /** When the records were accepted: the timestamp of those that have none of their own. */
  readonly at: number;
}

/** An empty run of records accepted at `at`. */
export function emptyRun(at: number): RecordRun {
  return { records: [], deliveries: [], indices: [], sizes: [], at };
}
