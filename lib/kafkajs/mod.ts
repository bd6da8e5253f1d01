// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal under KafkaJS's API: change one import and keep the code.
 *
 * ```ts ignore
 * // import { Kafka } from "kafkajs";
 * import { Kafka } from "@kanal/kafka/kafkajs";
 * ```
 *
 * Built on kanal's own stages (its producer, group member and handler runner), not a second
 * client. What kanal cannot honour is said at construction (see `docs/migrating-from-kafkajs.md`
 * for the list).
 *
 * @example Constants keep KafkaJS's numbers
 * ```ts
 * import { CompressionTypes, logLevel } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(CompressionTypes.GZIP, 1);
 * assert.equal(logLevel.ERROR, 1);
 * ```
 *
 * @module
 */

export { Kafka } from "./kafka.ts";
export type { KafkaConfig, RetryOptions, SASLOptions, SSLOptions } from "./_config.ts";
export {
  Producer,
  PRODUCER_EVENTS,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type Transaction,
} from "./producer.ts";
export {
  type Batch,
  Consumer,
  CONSUMER_EVENTS,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type EachBatchPayload,
  type EachMessagePayload,
  type OffsetsByTopicPartition,
  type PartitionAssigner,
  PartitionAssigners,
} from "./consumer.ts";
export {
  Admin,
  ADMIN_EVENTS,
  type AdminConfig,
  type AdminPartitionMetadata,
  type ITopicConfig,
} from "./admin.ts";
export type { BrokerSocket, DialOptions, TlsOptions, Transport } from "../net/transport.ts";
export type { IHeaders, KafkaMessage, Message } from "./_messages.ts";
export type { InstrumentationEvent } from "./_events.ts";
export {
  type ICustomPartitioner,
  type PartitionerArgs,
  Partitioners,
  type PartitionMetadata,
} from "./partitioners.ts";
export {
  AclResourceTypes,
  CompressionCodecs,
  CompressionTypes,
  ConfigResourceTypes,
  logLevel,
} from "./constants.ts";
export { createLogger, type logCreator, type LogEntry, type Logger } from "./logger.ts";
export * from "./errors.ts";
export { toKafkaJSError } from "./to_kafkajs_error.ts";

import { Kafka } from "./kafka.ts";
import { PRODUCER_EVENTS } from "./producer.ts";
import { CONSUMER_EVENTS, PartitionAssigners } from "./consumer.ts";
import { ADMIN_EVENTS } from "./admin.ts";
import { Partitioners } from "./partitioners.ts";
import {
  AclResourceTypes,
  CompressionCodecs,
  CompressionTypes,
  ConfigResourceTypes,
  logLevel,
} from "./constants.ts";
import * as errors from "./errors.ts";

/**
 * Everything above as one object: KafkaJS is a CommonJS module, so `import kafkajs from
 * "kafkajs"` is a common way to take it, and keeps working here.
 */
const kafkajs: {
  Kafka: typeof Kafka;
  PartitionAssigners: typeof PartitionAssigners;
  Partitioners: typeof Partitioners;
  CompressionTypes: typeof CompressionTypes;
  CompressionCodecs: typeof CompressionCodecs;
  logLevel: typeof logLevel;
  ConfigResourceTypes: typeof ConfigResourceTypes;
  AclResourceTypes: typeof AclResourceTypes;
  PRODUCER_EVENTS: typeof PRODUCER_EVENTS;
  CONSUMER_EVENTS: typeof CONSUMER_EVENTS;
  ADMIN_EVENTS: typeof ADMIN_EVENTS;
} & typeof errors = {
  Kafka,
  PartitionAssigners,
  Partitioners,
  CompressionTypes,
  CompressionCodecs,
  logLevel,
  ConfigResourceTypes,
  AclResourceTypes,
  PRODUCER_EVENTS,
  CONSUMER_EVENTS,
  ADMIN_EVENTS,
  ...errors,
};
export default kafkajs;
