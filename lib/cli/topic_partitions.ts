// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A topic's partitions, once the topic is known to exist: what the command line reads.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { sleep } from "../util/sleep.ts";

/**
 * The partitions to read: every one of `topic` (sorted), or just `only`, once the topic is known
 * to exist. A leader being elected is waited for, within the client's request timeout.
 *
 * @throws {KafkaError} UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist or a
 * partition it does not have; the last error when the timeout passes.
 *
 * @example Every partition, or one
 * ```ts
 * import { topicPartitions } from "./topic_partitions.ts";
 * import assert from "node:assert/strict";
 *
 * // Only what the function asks of a client: its options and a metadata refresh.
 * const client = {
 *   options: { requestTimeoutMs: 1000, retryBackoffMs: 10 },
 *   refreshMetadata: () =>
 *     Promise.resolve({
 *       topics: new Map([["orders", { errorCode: 0, partitions: [{ partition: 1 }, { partition: 0 }] }]]),
 *     }),
 * };
 * assert.deepEqual(await topicPartitions(client as never, "orders", undefined), [0, 1]);
 * assert.deepEqual(await topicPartitions(client as never, "orders", 1), [1]);
 * await assert.rejects(topicPartitions(client as never, "orders", 7), /has partitions 0\.\.1/);
 * await assert.rejects(topicPartitions(client as never, "refunds", undefined), {
 *   name: "KafkaError",
 * });
 * ```
 */
export async function topicPartitions(
  client: Client,
  topic: string,
  only: number | undefined,
): Promise<number[]> {
  const deadline = Date.now() + client.options.requestTimeoutMs;
  for (;;) {
    const t = (await client.refreshMetadata([topic])).topics.get(topic);
    const code = t === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : t.errorCode;
    if (code === 0 && t !== undefined && t.partitions.length > 0) {
      const all = t.partitions.map((p) => p.partition).sort((a, b) => a - b);
      if (only === undefined) return all;
      if (all.includes(only)) return [only];
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic }, {
        message: `Cannot consume partition ${only} as the topic has partitions 0..${
          all.length - 1
        }`,
      });
    }
    // A topic that does not exist is an answer; a leader being elected is worth a wait.
    const err = new KafkaError(code || ErrorCode.LEADER_NOT_AVAILABLE, { topic });
    if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || !err.retriable) throw err;
    if (Date.now() >= deadline) throw err;
    await sleep(client.options.retryBackoffMs, client.signal);
  }
}
