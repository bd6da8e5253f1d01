// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Which versions of each API the fake cluster implements, and what it therefore advertises:
 * its own range intersected with what kanal's generated codecs know. When the codecs are
 * regenerated with newer versions, the fake keeps offering only what it implements; when they
 * lose a version, the fake stops offering it.
 *
 * @module
 */

import { apiCodec } from "../protocol/messages/api_table.ts";

/** A version range of one API. */
export interface FakeApiRange {
  /** The API key. */
  readonly key: number;
  /** The lowest version. */
  readonly minVersion: number;
  /** The highest version. */
  readonly maxVersion: number;
  /**
   * Advertised from this version although the codecs start later: Kafka 4 advertises Produce
   * v0-2 without serving them (KAFKA-18659), and librdkafka only compresses when it sees them.
   * A request at such a version is refused: the connection closes, as for any it cannot read.
   */
  readonly advertisedFrom?: number;
}

/**
 * The versions the fake's handlers implement, by API key. Minimums follow Kafka 4 (which
 * dropped the oldest versions, KIP-896); maximums are the versions whose fields the handlers
 * fill in.
 */
export const FAKE_IMPLEMENTED: readonly FakeApiRange[] = [
  // Produce v0-2 stay advertised, as Kafka 4 keeps them (KAFKA-18659): librdkafka only
  // compresses when they are.
  { key: 0, minVersion: 3, maxVersion: 12, advertisedFrom: 0 }, // Produce
  { key: 1, minVersion: 4, maxVersion: 17 }, // Fetch
  { key: 2, minVersion: 1, maxVersion: 10 }, // ListOffsets
  { key: 3, minVersion: 0, maxVersion: 12 }, // Metadata
  { key: 8, minVersion: 2, maxVersion: 9 }, // OffsetCommit
  { key: 9, minVersion: 1, maxVersion: 9 }, // OffsetFetch
  { key: 10, minVersion: 0, maxVersion: 6 }, // FindCoordinator
  { key: 11, minVersion: 2, maxVersion: 9 }, // JoinGroup
  { key: 12, minVersion: 0, maxVersion: 4 }, // Heartbeat
  { key: 13, minVersion: 0, maxVersion: 5 }, // LeaveGroup
  { key: 14, minVersion: 0, maxVersion: 5 }, // SyncGroup
  { key: 15, minVersion: 0, maxVersion: 6 }, // DescribeGroups
  { key: 16, minVersion: 0, maxVersion: 5 }, // ListGroups
  // SaslHandshake v0 is offered because librdkafka will not use SASL without it, but the
  // tokens must then come in SaslAuthenticate (v1's way): raw v0 tokens are not read.
  { key: 17, minVersion: 0, maxVersion: 1 }, // SaslHandshake
  { key: 18, minVersion: 0, maxVersion: 4 }, // ApiVersions
  { key: 19, minVersion: 2, maxVersion: 7 }, // CreateTopics
  { key: 20, minVersion: 1, maxVersion: 6 }, // DeleteTopics
  { key: 21, minVersion: 0, maxVersion: 2 }, // DeleteRecords
  { key: 22, minVersion: 0, maxVersion: 5 }, // InitProducerId
  { key: 23, minVersion: 2, maxVersion: 4 }, // OffsetForLeaderEpoch
  // Transactions v1: the client forms only (AddPartitionsToTxn v4+ is broker-to-broker; EndTxn
  // and TxnOffsetCommit v5 belong to transactions v2, which the fake does not offer).
  { key: 24, minVersion: 0, maxVersion: 3 }, // AddPartitionsToTxn
  { key: 25, minVersion: 0, maxVersion: 4 }, // AddOffsetsToTxn
  { key: 26, minVersion: 0, maxVersion: 4 }, // EndTxn
  { key: 28, minVersion: 0, maxVersion: 4 }, // TxnOffsetCommit
  { key: 32, minVersion: 1, maxVersion: 4 }, // DescribeConfigs
  { key: 36, minVersion: 0, maxVersion: 2 }, // SaslAuthenticate
  { key: 37, minVersion: 0, maxVersion: 3 }, // CreatePartitions
  { key: 42, minVersion: 0, maxVersion: 2 }, // DeleteGroups
  { key: 44, minVersion: 0, maxVersion: 1 }, // IncrementalAlterConfigs
  { key: 60, minVersion: 0, maxVersion: 1 }, // DescribeCluster
  { key: 68, minVersion: 0, maxVersion: 1 }, // ConsumerGroupHeartbeat
];

/**
 * The ranges the fake offers in ApiVersions: each implemented range intersected with the
 * codecs' range (reaching down to `advertisedFrom` where set); an API whose intersection is
 * empty, or that has no handler in `handled`, is left out.
 *
 * @example Only what both the fake and the codecs know
 * ```ts
 * import { advertisedVersions } from "./fake_versions.ts";
 * import assert from "node:assert/strict";
 *
 * const ranges = advertisedVersions(new Set([18]));
 * assert.deepEqual(ranges.map((r) => r.key), [18]);
 * assert.equal(ranges[0]!.minVersion, 0);
 * ```
 */
export function advertisedVersions(
  handled: ReadonlySet<number>,
  implemented: readonly FakeApiRange[] = FAKE_IMPLEMENTED,
): FakeApiRange[] {
  const out: FakeApiRange[] = [];
  for (const r of implemented) {
    if (!handled.has(r.key)) continue;
    const info = apiCodec(r.key)?.info;
    if (info === undefined) continue;
    const served = Math.max(r.minVersion, info.minVersion);
    const maxVersion = Math.min(r.maxVersion, info.maxVersion);
    const minVersion = Math.min(served, r.advertisedFrom ?? served);
    if (served <= maxVersion) out.push({ key: r.key, minVersion, maxVersion });
  }
  return out;
}
