// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal consume --share GROUP topic…`: a share group member (KIP-932) that prints the records
 * it acquires and accepts each once printed.
 *
 * @module
 */

import { Client, type ClientOptions } from "../client/client.ts";
import type { KafkaRecord } from "../protocol/record.ts";
import type { ShareChunk } from "../share/share_chunk.ts";
import { ShareConsumer } from "../share/share_consumer.ts";
import { unknownOption } from "./consumer_config.ts";
import type { RecordFormatter } from "./record_formatter.ts";
import { topicPartitions } from "./topic_partitions.ts";

/** What {@linkcode shareConsume} needs. */
export interface ShareConsumeSettings {
  /** For `Client.connect`. */
  readonly client: ClientOptions;
  /** The share group (`--share`). */
  readonly groupId: string;
  /** The topics. */
  readonly topics: readonly string[];
  /** Exit after this many records (`-c`). */
  readonly count?: number;
  /** How records are printed. */
  readonly formatter: RecordFormatter;
  /** Records whose value (as UTF-8) matches are rejected, not printed (`--reject`). */
  readonly reject?: RegExp;
  /** Records whose value matches are released for another delivery, not printed (`--release`). */
  readonly release?: RegExp;
}

/**
 * Joins the share group, prints each chunk of acquired records through `write` and accepts
 * the records once written; a chunk cut short by `-c` releases the rest, so another member
 * gets them at once. With `reject` or `release`, a record whose value matches is rejected
 * (never delivered again) or released (delivered again, until the broker's delivery limit)
 * instead of printed; `reject` is tried first. Resolves with 0 when `-c` is satisfied, the reader of the output goes
 * away or `interrupted` aborts, in every case after the acknowledgements are sent, the share
 * sessions closed and the group left.
 *
 * @throws {KafkaError} a topic that does not exist, or the group's failure.
 *
 * @example Interrupted before it starts: 0, without connecting
 * ```ts
 * import { shareConsume } from "./share_consume.ts";
 * import { RecordFormatter } from "./record_formatter.ts";
 * import assert from "node:assert/strict";
 *
 * const stopped = new AbortController();
 * stopped.abort();
 * const code = await shareConsume({
 *   client: { brokers: "127.0.0.1:1" },
 *   groupId: "workers",
 *   topics: ["jobs"],
 *   formatter: RecordFormatter.delimited(undefined, new Uint8Array([10])),
 * }, () => Promise.resolve(true), stopped.signal);
 * assert.equal(code, 0);
 * ```
 */
export async function shareConsume(
  s: ShareConsumeSettings,
  write: (bytes: Uint8Array, records: number) => Promise<boolean>,
  interrupted?: AbortSignal,
): Promise<number> {
  if (interrupted?.aborted) return 0;
  // Not the interrupt: the client must outlive it to acknowledge and leave.
  const early = new AbortController();
  const onInterrupt = (): void => early.abort(interrupted!.reason);
  interrupted?.addEventListener("abort", onInterrupt, { once: true });
  let client: Client | undefined;
  try {
    client = await Client.connect({ ...s.client, signal: early.signal }).catch((e) => {
      throw unknownOption(e);
    });
    // A member of a topic that does not exist would wait for it forever: say so now.
    for (const t of s.topics) await topicPartitions(client, t, undefined);
    if (interrupted?.aborted) return 0;
    interrupted?.removeEventListener("abort", onInterrupt);
    const consumer = new ShareConsumer(client, {
      groupId: s.groupId,
      topics: s.topics,
      acknowledgementMode: "explicit",
    });
    const reader = consumer.records.getReader();
    // The interrupt ends a read that waits for records.
    const stop = (): void => void reader.cancel().catch(() => {}); // ends the loop; close reports
    interrupted?.addEventListener("abort", stop, { once: true });
    let printed = 0;
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done || interrupted?.aborted) break;
        const chunk = r.value;
        const records = s.reject || s.release ? sort(chunk, s.reject, s.release) : chunk.records;
        let end = records.length;
        if (s.count !== undefined && printed + end > s.count) end = s.count - printed;
        if (end > 0) {
          const bytes = s.formatter.format(chunk.topic, chunk.partition, records, 0, end);
          // The reader went away, as kcat stops on SIGPIPE: give the records back.
          if (!await write(bytes, end)) {
            chunk.release();
            break;
          }
        }
        printed += end;
        for (let i = 0; i < end; i++) chunk.accept(records[i]!);
        chunk.release();
        if (s.count !== undefined && printed >= s.count) break;
      }
      await consumer.commit();
    } finally {
      interrupted?.removeEventListener("abort", stop);
      await consumer.close();
    }
    return 0;
  } catch (e) {
    if (interrupted?.aborted) return 0;
    throw e;
  } finally {
    interrupted?.removeEventListener("abort", onInterrupt);
    await client?.close();
  }
}

const decoder = new TextDecoder();

/** Rejects and releases the records the rules match; the rest, to print. */
function sort(
  chunk: ShareChunk,
  reject: RegExp | undefined,
  release: RegExp | undefined,
): KafkaRecord[] {
  const kept: KafkaRecord[] = [];
  for (const r of chunk.records) {
    const value = r.value === null ? "" : decoder.decode(r.value);
    if (reject?.test(value)) chunk.reject(r);
    else if (release?.test(value)) chunk.release(r);
    else kept.push(r);
  }
  return kept;
}
