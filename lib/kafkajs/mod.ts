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
