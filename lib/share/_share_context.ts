// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What a share consumer's stages share. Private to lib/share.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { KafkaError } from "../protocol/kafka_error.ts";
import type { ResolvedShareConsumerOptions } from "./share_consumer_options.ts";

/** An assigned partition, with its topic's name and id. */
export interface AssignedPartition {
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
}

/** Shared share-consumer state and the stages' ways back to the consumer. */
export interface ShareContext {
  readonly client: Client;
  readonly options: ResolvedShareConsumerOptions;
  /** The member id this consumer chose (ShareGroupHeartbeat v1 lets the client choose it). */
  readonly memberId: string;
  /** Identifies the consumer in stage roles. */
  readonly role: string;
  /** Set once close() begins. */
  readonly closed: boolean;
  /** The assigned partitions the broker leads, as far as the consumer knows. */
  partitionsOf(broker: number): readonly AssignedPartition[];
  /** A partition's leader moved or is unknown: look it up again. */
  relocate(topicId: string, partition: number): void;
  /** The broker refused acknowledgements. */
  ackFailed(error: KafkaError): void;
  /** Something the consumer cannot go on from: ends the records stream with it. */
  fail(error: unknown): void;
}
