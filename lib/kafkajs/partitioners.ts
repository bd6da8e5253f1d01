// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's partitioners: `DefaultPartitioner` (Java's murmur2 placement of keyed records, and
 * round robin over the partitions with a leader for the others), `LegacyPartitioner` (KafkaJS
 * 1.x's placement, whose hash differs from Java's for most keys) and the deprecated
 * `JavaCompatiblePartitioner` name. Each puts a record where KafkaJS would, so records that
 * KafkaJS and kanal write with the same key meet in one partition.
 *
 * @module
 */

import { murmur2 } from "../producer/murmur2.ts";

/** A partition as KafkaJS's partitioners see it. */
export interface PartitionMetadata {
  /** The partition. */
  partitionId: number;
  /** Its leader's node id; negative when it has none. */
  leader: number;
  /** Its replicas' node ids. */
  replicas?: number[];
  /** Its in-sync replicas' node ids. */
  isr?: number[];
  /** The partition's error code in the metadata. */
  partitionErrorCode?: number;
}

/** What a KafkaJS partitioner is called with, once per message. */
export interface PartitionerArgs {
  /** The topic. */
  topic: string;
  /** Every partition of the topic. */
  partitionMetadata: PartitionMetadata[];
  /** The message (its `key` and `partition` are read). */
  message: { key?: Uint8Array | string | null; partition?: number | null };
}

/** KafkaJS's partitioner: a factory called once per producer. */
export type ICustomPartitioner = () => (args: PartitionerArgs) => number;

const encoder = new TextEncoder();
const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** A key's bytes as KafkaJS hashes them: bytes as they are, anything else as its string's UTF-8. */
function keyBytes(key: Uint8Array | string): Uint8Array {
  return key instanceof Uint8Array ? key : encoder.encode(String(key));
}

/**
 * KafkaJS 1.x's murmur2. It does its 32-bit arithmetic in doubles, so products above 2^53 lose
 * low bits before they are cut to 32, and its block loop runs `length / 4` times rounded up,
 * reading zeros past the end: the hash of most keys differs from Java's. Reproduced here, on
 * purpose, for `LegacyPartitioner`.
 */
function legacyMurmur2(data: Uint8Array): number {
  const n = data.length;
  let h: number = SEED ^ n;
  for (let i = 0; i < n / 4; i++) {
    const at = i * 4;
    const b0 = data[at] ?? 0,
      b1 = data[at + 1] ?? 0,
      b2 = data[at + 2] ?? 0,
      b3 = data[at + 3] ?? 0;
    // A sum, not an or: the top byte's shift may be negative and the sum keeps that.
    let k: number = b0 + (b1 << 8) + (b2 << 16) + (b3 << 24);
    k = k * M;
    k = k ^ (k >>> 24);
    k = k * M;
    h = h * M;
    h = h ^ k;
  }
  const tail = n & ~3;
  const left = n % 4;
  if (left === 3) h = h ^ ((data[tail + 2] ?? 0) << 16);
  if (left >= 2) h = h ^ ((data[tail + 1] ?? 0) << 8);
  if (left >= 1) {
    h = h ^ (data[tail] ?? 0);
    h = h * M;
  }
  h = h ^ (h >>> 13);
  h = h * M;
  return h ^ (h >>> 15);
}

function javaMurmur2(data: Uint8Array): number {
  return murmur2(data, data.length);
}

const positive = (x: number): number => x & 0x7fffffff;

function randomStart(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

function partitionerWith(hash: (data: Uint8Array) => number): ICustomPartitioner {
  return () => {
    const counters = new Map<string, number>();
    return ({ topic, partitionMetadata, message }) => {
      if (message.partition !== null && message.partition !== undefined) return message.partition;
      const count = partitionMetadata.length;
      if (message.key !== null && message.key !== undefined) {
        return positive(hash(keyBytes(message.key))) % count;
      }
      const next = (counters.get(topic) ?? randomStart()) + 1;
      counters.set(topic, next);
      const available = partitionMetadata.filter((p) => p.leader >= 0);
      if (available.length === 0) return positive(next) % count;
      return available[positive(next) % available.length]!.partitionId;
    };
  };
}

/**
 * KafkaJS's partitioners.
 *
 * @example A keyed message goes where Java's client puts it
 * ```ts
 * import { Partitioners } from "./partitioners.ts";
 * import assert from "node:assert/strict";
 *
 * const partition = Partitioners.DefaultPartitioner();
 * const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1 }));
 * const p = partition({ topic: "t", partitionMetadata, message: { key: "a" } });
 * assert.equal(p, partition({ topic: "t", partitionMetadata, message: { key: "a" } }));
 * assert.equal(partition({ topic: "t", partitionMetadata, message: { partition: 2 } }), 2);
 * ```
 */
export const Partitioners: {
  /** Java's placement of keyed messages; round robin for the others. KafkaJS 2's default. */
  DefaultPartitioner: ICustomPartitioner;
  /** KafkaJS 1.x's placement of keyed messages; round robin for the others. */
  LegacyPartitioner: ICustomPartitioner;
  /** @deprecated KafkaJS's old name of `DefaultPartitioner`. */
  JavaCompatiblePartitioner: ICustomPartitioner;
} = {
  DefaultPartitioner: partitionerWith(javaMurmur2),
  LegacyPartitioner: partitionerWith(legacyMurmur2),
  JavaCompatiblePartitioner: partitionerWith(javaMurmur2),
};
