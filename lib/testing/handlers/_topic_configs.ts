// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The topic configs the fake reports, with Kafka's defaults for those not set.
 *
 * @module
 */

/** Kafka's defaults for the topic configs clients most often read. */
export const TOPIC_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ["cleanup.policy", "delete"],
  ["compression.type", "producer"],
  ["max.message.bytes", "1048588"],
  ["message.timestamp.type", "CreateTime"],
  ["min.insync.replicas", "1"],
  ["retention.bytes", "-1"],
  ["retention.ms", "604800000"],
  ["segment.bytes", "1073741824"],
]);

/** Resource types of the config APIs. */
export const RESOURCE_TOPIC = 2;
/** Resource types of the config APIs. */
export const RESOURCE_BROKER = 4;
