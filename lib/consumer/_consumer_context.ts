// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What a consumer's stages share: the client, the options and the per-broker stages. Private
 * to lib/consumer.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { ResolvedConsumerOptions } from "./consumer_options.ts";
import type { SubscriptionConsumer } from "./subscription_consumer.ts";
import type { SubscriptionManager } from "./subscription_manager.ts";

/** A broker's pair of consumer stages: its fetch loop piped into its manager. */
export interface BrokerFetchStages {
  readonly consumer: SubscriptionConsumer;
  readonly manager: SubscriptionManager;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

/** Shared consumer state. */
export class ConsumerContext {
  readonly client: Client;
  readonly options: ResolvedConsumerOptions;
  /** Identifies the consumer in stage roles. */
  readonly role: string;
  readonly brokers: Map<number, BrokerFetchStages> = new Map();
  /** Makes a broker's stages on first use (set by the consumer). */
  makeBrokerStages!: (broker: number) => BrokerFetchStages;
  closed = false;
  /** Aborted when the consumer closes, ending every wait of its stages. */
  readonly stop: AbortController = new AbortController();

  constructor(client: Client, options: ResolvedConsumerOptions, role: string) {
    this.client = client;
    this.options = options;
    this.role = role;
  }

  /** The subscription manager of `broker`, making its stages on first use. */
  manager(broker: number): SubscriptionManager {
    let s = this.brokers.get(broker);
    if (s === undefined) {
      s = this.makeBrokerStages(broker);
      this.brokers.set(broker, s);
    }
    return s.manager;
  }
}
