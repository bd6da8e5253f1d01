// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Turns kanal's events into log lines.
 *
 * @module
 */

import type { KafkaEvent, Observer } from "./kafka_event.ts";
import { type LogFields, type Logger, redact } from "./logger.ts";

/**
 * An observer that logs each event at a fitting level: requests at debug (failed ones at warn),
 * connections and rebalances at info, produce retries at warn, errors at error. Produce and
 * fetch batches are left to metrics. Fields go through {@linkcode redact} first, so a custom
 * logger never sees a secret.
 *
 * @example A rebalance is logged at info
 * ```ts
 * import { logObserver } from "./log_observer.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const logger = {
 *   debug: () => {}, warn: () => {}, error: () => {},
 *   info: (m: string) => lines.push(m),
 * };
 * logObserver(logger)({ type: "rebalance", group: "g", phase: "assigned", partitions: ["t/0"] });
 * assert.deepEqual(lines, ["rebalance: partitions assigned"]);
 * ```
 */
export function logObserver(logger: Logger): Observer {
  const f = (fields: LogFields): Record<string, unknown> => redact(fields);
  return (e: KafkaEvent): void => {
    switch (e.type) {
      case "connection.open":
        logger.info("connection opened", f({ broker: e.broker, role: e.role }));
        break;
      case "connection.close":
        logger.info("connection closed", f({ broker: e.broker, role: e.role, reason: e.reason }));
        break;
      case "request":
        if (e.error === undefined) {
          logger.debug(
            "request answered",
            f({ broker: e.broker, api: e.api, version: e.version, latencyMs: e.latencyMs }),
          );
        } else {
          logger.warn("request failed", f({ broker: e.broker, api: e.api, error: e.error }));
        }
        break;
      case "retry":
        logger.warn(
          "produce batch failed; retrying",
          f({ topic: e.topic, partition: e.partition, attempts: e.attempts, error: e.error }),
        );
        break;
      case "rebalance":
        logger.info(
          `rebalance: partitions ${e.phase}`,
          f({ group: e.group, partitions: e.partitions }),
        );
        break;
      case "error":
        logger.error(`${e.source} failed`, f({ error: e.error }));
        break;
      case "produce":
      case "fetch":
        break;
    }
  };
}
