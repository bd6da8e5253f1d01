// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The flusher's produce-batch events, kept out of the flusher so its hot path stays short.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import type { ProduceResponse } from "../protocol/messages/produce.ts";
import { emit, type Observer } from "../observe/kafka_event.ts";
import type { ProducerBatch } from "./_producer_batch.ts";

/**
 * Emits one `produce` event per batch of an answered (or failed) Produce request: the broker's
 * base offset, or the partition's error, or the request's error for every batch.
 *
 * @example Made by the flusher only
 * ```ts ignore
 * emitProduceEvents(observe, 1, batches, performance.now() - started, response, undefined);
 * ```
 */
export function emitProduceEvents(
  observe: Observer,
  broker: number,
  batches: readonly ProducerBatch[],
  latencyMs: number,
  res: ProduceResponse | undefined,
  error: unknown,
): void {
  const answers = new Map<string, { errorCode: number; baseOffset: bigint }>();
  for (const t of res?.responses ?? []) {
    for (const p of t.partitionResponses) answers.set(`${t.name}\0${p.index}`, p);
  }
  for (const b of batches) {
    const p = answers.get(`${b.topic}\0${b.partition}`);
    const failed = error ??
      (p !== undefined && p.errorCode !== 0 ? new KafkaError(p.errorCode) : undefined);
    emit(observe, {
      type: "produce",
      broker,
      topic: b.topic,
      partition: b.partition,
      records: b.count,
      bytes: b.bytes instanceof Uint8Array ? b.bytes.length : 0,
      latencyMs,
      baseOffset: p !== undefined && failed === undefined ? Number(p.baseOffset) : -1,
      ...(failed === undefined ? {} : { error: failed }),
    });
  }
}
