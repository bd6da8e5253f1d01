// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's enums, with KafkaJS's numbers: compression codecs, log levels, and the resource,
 * ACL and config types of its admin client.
 *
 * @module
 */

/**
 * KafkaJS's compression codecs. All four are built into kanal: no codec package to register.
 *
 * @example The numbers KafkaJS uses
 * ```ts
 * import { CompressionTypes } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(CompressionTypes.ZSTD, 4);
 * ```
 */
export const CompressionTypes = {
  None: 0,
  GZIP: 1,
  Snappy: 2,
  LZ4: 3,
  ZSTD: 4,
} as const;
/** One of {@linkcode CompressionTypes}. */
export type CompressionTypes = (typeof CompressionTypes)[keyof typeof CompressionTypes];

/**
 * KafkaJS's codec registry. kanal has every codec built in, so registering one changes nothing;
 * it is here so that `CompressionCodecs[CompressionTypes.Snappy] = ...` still runs.
 *
 * @example Registering is harmless
 * ```ts
 * import { CompressionCodecs, CompressionTypes } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * CompressionCodecs[CompressionTypes.Snappy] = () => ({});
 * assert.equal(typeof CompressionCodecs[CompressionTypes.Snappy], "function");
 * ```
 */
export const CompressionCodecs: Record<number, () => unknown> = {};

/**
 * KafkaJS's log levels.
 *
 * @example INFO is 4
 * ```ts
 * import { logLevel } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(logLevel.INFO, 4);
 * ```
 */
export const logLevel = {
  NOTHING: 0,
  ERROR: 1,
  WARN: 2,
  INFO: 4,
  DEBUG: 5,
} as const;
/** One of {@linkcode logLevel}. */
export type logLevel = (typeof logLevel)[keyof typeof logLevel];

/**
 * KafkaJS's config resource types (Kafka's numbers).
 *
 * @example A topic is 2
 * ```ts
 * import { ConfigResourceTypes } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ConfigResourceTypes.TOPIC, 2);
 * ```
 */
export const ConfigResourceTypes = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const;
/** One of {@linkcode ConfigResourceTypes}. */
export type ConfigResourceTypes = (typeof ConfigResourceTypes)[keyof typeof ConfigResourceTypes];

/**
 * KafkaJS's ACL resource types (Kafka's numbers).
 *
 * @example A group is 3
 * ```ts
 * import { AclResourceTypes } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AclResourceTypes.GROUP, 3);
 * ```
 */
export const AclResourceTypes = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
} as const;
/** One of {@linkcode AclResourceTypes}. */
export type AclResourceTypes = (typeof AclResourceTypes)[keyof typeof AclResourceTypes];
