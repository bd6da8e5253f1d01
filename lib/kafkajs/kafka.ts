// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's entry point, `new Kafka(config)`, over kanal's client.
 *
 * @module
 */

import type { ClientOptions } from "../client/client.ts";
import { clientOptions, type KafkaConfig } from "./_config.ts";
import { Admin, type AdminConfig } from "./admin.ts";
import { Consumer, type ConsumerConfig } from "./consumer.ts";
import { createLogger, type Logger } from "./logger.ts";
import { Producer, type ProducerConfig } from "./producer.ts";

/**
 * KafkaJS's `Kafka`: makes producers, consumers and admins, each with its own connections as
 * in KafkaJS. What kanal cannot honour is said here, at construction: an error for options that
 * would change behaviour, a warning (through the logger) for tuning kanal does its own way.
 *
 * @example The one-line change
 * ```ts
 * // import { Kafka } from "kafkajs";
 * import { Kafka, logLevel } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const kafka = new Kafka({ clientId: "app", brokers: ["127.0.0.1:9092"], logLevel: logLevel.ERROR });
 * assert.equal(typeof kafka.producer().send, "function");
 * assert.throws(() => new Kafka({ brokers: ["b:1"], socketFactory: () => null }), /socketFactory/);
 * ```
 */
export class Kafka {
  readonly #config: KafkaConfig;
  readonly #options: Omit<ClientOptions, "brokers">;
  readonly #log: Logger;

  /**
   * Reads the configuration; connects nothing yet.
   *
   * @param config KafkaJS's client configuration.
   * @throws {KafkaJSNotImplemented} for an option kanal cannot honour without changing behaviour.
   */
  constructor(config: KafkaConfig) {
    this.#config = config;
    this.#log = createLogger(config.logLevel, config.logCreator);
    this.#options = clientOptions(config, this.#log);
  }

  /** A producer. */
  producer(config: ProducerConfig = {}): Producer {
    return new Producer(this.#config, this.#options, config, this.#log);
  }

  /** A consumer in the group `config.groupId`. */
  consumer(config: ConsumerConfig): Consumer {
    return new Consumer(this.#config, this.#options, config, this.#log);
  }

  /** An admin client. */
  admin(config: AdminConfig = {}): Admin {
    return new Admin(this.#config, this.#options, config, this.#log);
  }

  /** The root logger. */
  logger(): Logger {
    return this.#log;
  }
}
