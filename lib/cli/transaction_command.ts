// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal transaction list|describe|abort`, shaped like Kafka's TransactionsCommand.
 *
 * @module
 */

import {
  abortTransaction,
  describeProducers,
  describeTransactions,
} from "../admin/transactions.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { adminCommand, intFlag, need, resultsJson, type Subcommand } from "./_admin_output.ts";

const list: Subcommand = {
  name: "list",
  usage: "[--state STATE]...",
  summary: "Every broker's transactions, optionally by state (Ongoing, …)",
  async run(admin, args, _rest, out) {
    const txns = await admin.listTransactions({ states: args.all("state") });
    await out.print(
      ["TRANSACTIONAL-ID", "COORDINATOR", "PRODUCER-ID", "STATE"],
      txns.map((t) => [t.transactionalId, t.coordinator, t.producerId, t.state]),
      txns,
    );
  },
};

const describe: Subcommand = {
  name: "describe",
  usage: "TRANSACTIONAL-ID...",
  summary: "Describe transactions at their coordinators",
  async run(admin, _args, rest, out) {
    const results = await describeTransactions(admin.client, need(rest, "transactional id"));
    const ok = await out.settle(results);
    await out.print(
      [
        "TRANSACTIONAL-ID",
        "COORDINATOR",
        "PRODUCER-ID",
        "EPOCH",
        "STATE",
        "START-MS",
        "TIMEOUT-MS",
        "PARTITIONS",
      ],
      ok.map(({ value: t }) => [
        t.transactionalId,
        t.coordinator,
        t.producerId,
        t.producerEpoch,
        t.state,
        t.startTimeMs,
        t.timeoutMs,
        t.partitions.map((p) => `${p.topic}-${p.partition}`),
      ]),
      resultsJson(results),
    );
  },
};

const producers: Subcommand = {
  name: "producers",
  usage: "-t TOPIC -p PARTITION",
  summary: "The active producers of a partition, with their open transactions",
  async run(admin, args, _rest, out) {
    const topic = args.get("topic");
    const partition = intFlag(args, "partition");
    if (!topic || partition === undefined) {
      throw new UsageError("Cannot describe producers as -t and -p are needed");
    }
    const results = await describeProducers(admin.client, [{ topic, partition }]);
    const ok = await out.settle(results);
    await out.print(
      [
        "PRODUCER-ID",
        "EPOCH",
        "COORDINATOR-EPOCH",
        "LAST-SEQUENCE",
        "LAST-TIMESTAMP",
        "TXN-START-OFFSET",
      ],
      ok.flatMap((r) =>
        r.value.map((p) => [
          p.producerId,
          p.producerEpoch,
          p.coordinatorEpoch,
          p.lastSequence,
          p.lastTimestamp,
          p.currentTxnStartOffset < 0 ? null : p.currentTxnStartOffset,
        ])
      ),
      resultsJson(results),
    );
  },
};

const abort: Subcommand = {
  name: "abort",
  usage: "-t TOPIC -p PARTITION --start-offset OFFSET",
  summary: "Abort the hanging transaction that starts at OFFSET in a partition",
  async run(admin, args, _rest, out) {
    const topic = args.get("topic");
    const partition = intFlag(args, "partition");
    const start = intFlag(args, "start-offset");
    if (!topic || partition === undefined || start === undefined) {
      throw new UsageError("Cannot abort as -t TOPIC, -p PARTITION and --start-offset are needed");
    }
    const [found] = await describeProducers(admin.client, [{ topic, partition }]);
    if (found?.error) return void await out.fail(found.name, found.error);
    const p = found?.value?.find((x) => x.currentTxnStartOffset === start);
    if (!p) {
      throw new UsageError(
        `Cannot abort as no producer of ${topic}-${partition} has a transaction starting at ${start}`,
      );
    }
    await abortTransaction(admin.client, {
      topic,
      partition,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      coordinatorEpoch: p.coordinatorEpoch,
    });
    await out.print(
      ["TOPIC", "PARTITION", "PRODUCER-ID", "STATUS"],
      [[topic, partition, p.producerId, "aborted"]],
      { topic, partition, producerId: p.producerId, aborted: true },
    );
  },
};

/**
 * `kanal transaction …`: list, describe, producers, abort.
 *
 * @example The subcommands
 * ```ts
 * import { transactionCommand } from "./transaction_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(transactionCommand.usage, /kanal transaction abort -t TOPIC/);
 * ```
 */
export const transactionCommand: Command = adminCommand("transaction", "Transactions", [
  { name: "state", value: "STATE", repeatable: true, description: "list: only in this state" },
  { name: "topic", short: "t", value: "TOPIC", description: "producers/abort: the topic" },
  { name: "partition", short: "p", value: "N", description: "producers/abort: the partition" },
  {
    name: "start-offset",
    value: "OFFSET",
    description: "abort: where the hanging transaction starts",
  },
], [list, describe, producers, abort]);
