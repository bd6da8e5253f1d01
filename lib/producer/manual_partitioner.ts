// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The manual partitioner, for producers where every record must name its partition.
 *
 * @module
 */

import type { Partitioner } from "./partitioner.ts";

/**
 * Makes a partitioner that refuses to choose: every record must carry an explicit
 * `partition`, which the producer uses without asking the partitioner. A record without one
 * fails with a `TypeError` naming its topic, as with Sarama's `NewManualPartitioner`, rather
 * than going somewhere the caller did not say.
 *
 * @returns The partitioner.
 *
 * @example A record without a partition is refused
 * ```ts
 * import { manualPartitioner } from "./manual_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const partitioner = manualPartitioner();
 * assert.throws(() => partitioner.partition("orders", "key", 6, [], 100), TypeError);
 * ```
 */
export function manualPartitioner(): Partitioner {
  return new ManualPartitioner();
}

class ManualPartitioner implements Partitioner {
  partition(topic: string): number {
    throw new TypeError(
      `Cannot send a record to topic "${topic}" as the manual partitioner needs the record to name its partition: current value is undefined`,
    );
  }
}
