// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The APIs whose newest versions kanal does not speak yet, though its generated codecs know them.
 *
 * {@linkcode CLIENT_APIS} offers every API up to the highest stable version in Kafka's specs, so a
 * new Kafka version that adds a version is negotiated at once by code written for the older ones.
 * Where a newer version changes what the code must send or read (not only new fields with
 * defaults), the API is held here at the last version the code implements, with the reason.
 * Raise or drop an entry when the code learns the newer version.
 *
 * @module
 */

/** One API held below the specs' highest stable version. */
export interface ClientVersionCap {
  /** The API's name, as in its spec (checked against the key by the tests). */
  readonly name: string;
  /** The highest version kanal sends. */
  readonly maxVersion: number;
  /** What the next version changes that kanal's code does not do. */
  readonly reason: string;
}

/**
 * The caps, by API key.
 *
 * @example Produce stops before topic ids
 * ```ts
 * import { CLIENT_MAX_VERSIONS } from "./client_max_versions.ts";
 * import { CLIENT_APIS } from "./request_frame.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(CLIENT_MAX_VERSIONS.get(0)?.maxVersion, 12);
 * assert.equal(CLIENT_APIS.find((a) => a.key === 0)?.maxVersion, 12);
 * ```
 */
export const CLIENT_MAX_VERSIONS: ReadonlyMap<number, ClientVersionCap> = new Map([
  [0, {
    name: "Produce",
    maxVersion: 12,
    reason: "Produce v13 names topics by id (KIP-516); the producer sends and matches topic names",
  }],
  [8, {
    name: "OffsetCommit",
    maxVersion: 9,
    reason: "OffsetCommit v10 names topics by id (KIP-848); the offset manager commits by name",
  }],
  [9, {
    name: "OffsetFetch",
    maxVersion: 9,
    reason: "OffsetFetch v10 names topics by id (KIP-848); the group consumer reads by name",
  }],
]);
