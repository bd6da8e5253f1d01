// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What a share consumer hands out: records of one partition it acquired in one ShareFetch, and
 * their acknowledgement.
 *
 * @module
 */

import type { KafkaRecord } from "../protocol/record.ts";

/**
 * How a record is acknowledged: `accept` (processed, never delivered again), `release` (give it
 * back: delivered again, to this or another member, its delivery count one higher) or `reject`
 * (unprocessable: archived, never delivered again).
 */
export type AcknowledgeType = "accept" | "release" | "reject";

/** The wire codes of {@linkcode AcknowledgeType} (0 is a gap: an offset with no record). */
export const ACKNOWLEDGE_CODES: Readonly<Record<AcknowledgeType, number>> = {
  accept: 1,
  release: 2,
  reject: 3,
};

/** Where a chunk's acknowledgements go: the share session of the broker that granted them. */
export interface AcknowledgementSink {
  /** Queues `types[i]` for `offsets[i]` of the partition, to go out with the next request. */
  acknowledge(topicId: string, partition: number, offsets: number[], types: number[]): void;
}

/**
 * Records of one partition acquired by one ShareFetch, in offset order, each with its delivery
 * count (1 the first time, one more each time it was released or its lock ran out), and the
 * time their acquisition lock ends. Keys, values and header values are views into the fetched
 * bytes; `slice()` them to keep them past the chunk.
 *
 * Each record is acknowledged once: `accept`, `release` or `reject` with a record (or its
 * offset) acknowledges that record, without one every record of the chunk not yet acknowledged.
 * A second acknowledgement of a record is ignored. Acknowledgements ride on the next ShareFetch
 * to the partition's leader, or go alone in a ShareAcknowledge when no fetch is due.
 *
 * @example Accept all but one, reject that one
 * ```ts
 * import { ShareChunk } from "./share_chunk.ts";
 * import assert from "node:assert/strict";
 *
 * const sent: number[][] = [];
 * const r = (offset: number) => ({ offset, timestamp: 0, key: null, value: null, headers: [] });
 * const chunk = new ShareChunk("orders", "id", 0, [r(5), r(6), r(7)], [1, 1, 2], 0, {
 *   acknowledge: (_t, _p, offsets, types) => sent.push([...offsets, ...types]),
 * });
 * chunk.reject(6);
 * chunk.accept();
 * assert.deepEqual(sent, [[6, 3], [5, 7, 1, 1]]);
 * assert.equal(chunk.unacknowledged, 0);
 * ```
 */
export class ShareChunk {
  /** The topic. */
  readonly topic: string;
  /** The topic's id. */
  readonly topicId: string;
  /** The partition. */
  readonly partition: number;
  /** The acquired records, in offset order. */
  readonly records: readonly KafkaRecord[];
  /** Each record's delivery count, by index into `records`. */
  readonly deliveryCounts: readonly number[];
  /**
   * When the acquisition lock ends (ms since the epoch): after it the broker may hand the
   * records to another member, and acknowledging them fails.
   */
  readonly lockDeadline: number;
  readonly #states: Uint8Array;
  readonly #sink: AcknowledgementSink;
  #open: number;

  /** Made by the share consumer's fetcher. */
  constructor(
    topic: string,
    topicId: string,
    partition: number,
    records: readonly KafkaRecord[],
    deliveryCounts: readonly number[],
    lockDeadline: number,
    sink: AcknowledgementSink,
  ) {
    this.topic = topic;
    this.topicId = topicId;
    this.partition = partition;
    this.records = records;
    this.deliveryCounts = deliveryCounts;
    this.lockDeadline = lockDeadline;
    this.#states = new Uint8Array(records.length);
    this.#open = records.length;
    this.#sink = sink;
  }

  /** How many records are not acknowledged yet. */
  get unacknowledged(): number {
    return this.#open;
  }

  /** Accepts `record` (a record or an offset), or every record not yet acknowledged. */
  accept(record?: KafkaRecord | number): void {
    this.acknowledge("accept", record);
  }

  /** Releases `record`, or every record not yet acknowledged, to be delivered again. */
  release(record?: KafkaRecord | number): void {
    this.acknowledge("release", record);
  }

  /** Rejects `record`, or every record not yet acknowledged: it is never delivered again. */
  reject(record?: KafkaRecord | number): void {
    this.acknowledge("reject", record);
  }

  /**
   * Acknowledges `record` (a record or an offset of this chunk), or every record not yet
   * acknowledged, as `type`.
   *
   * @throws {RangeError} for a record or offset that is not in this chunk, or a bad type.
   */
  acknowledge(type: AcknowledgeType, record?: KafkaRecord | number): void {
    const code = ACKNOWLEDGE_CODES[type];
    if (code === undefined) {
      throw new RangeError(
        `Cannot acknowledge as the type must be accept, release or reject: current value is ${
          JSON.stringify(type)
        }`,
      );
    }
    if (record === undefined) {
      if (this.#open === 0) return;
      const offsets: number[] = [];
      for (let i = 0; i < this.records.length; i++) {
        if (this.#states[i] === 0) {
          this.#states[i] = code;
          offsets.push(this.records[i]!.offset);
        }
      }
      this.#open = 0;
      this.#sink.acknowledge(
        this.topicId,
        this.partition,
        offsets,
        new Array(offsets.length).fill(code),
      );
      return;
    }
    const offset = typeof record === "number" ? record : record.offset;
    const i = this.#indexOf(offset);
    if (i < 0) {
      throw new RangeError(
        `Cannot acknowledge offset ${offset} as it is not in this chunk of ${this.topic}/${this.partition}`,
      );
    }
    if (this.#states[i] !== 0) return;
    this.#states[i] = code;
    this.#open--;
    this.#sink.acknowledge(this.topicId, this.partition, [offset], [code]);
  }

  #indexOf(offset: number): number {
    const rs = this.records;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const o = rs[mid]!.offset;
      if (o === offset) return mid;
      if (o < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
