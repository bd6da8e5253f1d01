// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Producers and transactions: the active producers of partitions (DescribeProducers, at each
 * leader), transactions by id (DescribeTransactions, at each transaction coordinator), every
 * broker's transactions (ListTransactions), and aborting a hanging transaction by writing its
 * abort marker (WriteTxnMarkers, at the partition's leader), as Kafka's TransactionsCommand does.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok, settle } from "./admin_error.ts";
import { checkPartition, partitionName, type PartitionRef, toLeaders } from "./_leaders.ts";
import { partitionKey, partitionsByTopic } from "./_partition_map.ts";

/** A producer with state in a partition. */
export interface ActiveProducer {
  /** Its producer id. */
  producerId: bigint;
  /** Its epoch. */
  producerEpoch: number;
  /** The last sequence it wrote, or -1. */
  lastSequence: number;
  /** When it last wrote (ms), or -1. */
  lastTimestamp: number;
  /** The coordinator epoch of its last transaction marker, or -1. */
  coordinatorEpoch: number;
  /** Where its open transaction starts, or -1 for none. */
  currentTxnStartOffset: number;
}

/** A transaction as its coordinator describes it. */
export interface TransactionDescription {
  /** Its transactional id. */
  transactionalId: string;
  /** Its state, e.g. `Ongoing`, `CompleteCommit`, `Empty`. */
  state: string;
  /** Its timeout. */
  timeoutMs: number;
  /** When the open transaction started (ms), or -1. */
  startTimeMs: number;
  /** The producer id. */
  producerId: bigint;
  /** The producer epoch. */
  producerEpoch: number;
  /** The coordinator. */
  coordinator: number;
  /** The partitions in the open transaction. */
  partitions: PartitionRef[];
}

/** A transaction as {@linkcode listTransactions} finds it. */
export interface ListedTransaction {
  /** Its transactional id. */
  transactionalId: string;
  /** The producer id. */
  producerId: bigint;
  /** Its state. */
  state: string;
  /** The broker coordinating it. */
  coordinator: number;
}

/**
 * The producers with state in each partition, asked of the partition's leader.
 *
 * @example Partitions are checked before anything is sent
 * ```ts
 * import { describeProducers } from "./transactions.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(describeProducers({} as never, [{ topic: "", partition: 0 }]), RangeError);
 * ```
 */
export async function describeProducers(
  client: Client,
  partitions: readonly PartitionRef[],
): Promise<ItemResult<ActiveProducer[]>[]> {
  for (const p of partitions) checkPartition("describe producers", p);
  return await toLeaders(client, partitions, async (leader, idx) => {
    const res = await client.request(leader, API_TABLE[61], {
      topics: [...partitionsByTopic(idx.map((i) => partitions[i]!))].map((
        [name, partitionIndexes],
      ) => ({ name, partitionIndexes })),
    });
    const found = new Map<string, (typeof res.topics)[number]["partitions"][number]>();
    for (const t of res.topics) {
      for (const p of t.partitions) found.set(partitionKey(t.name, p.partitionIndex), p);
    }
    return new Map(idx.map((i) => {
      const p = partitions[i]!;
      const r = found.get(partitionKey(p.topic, p.partition));
      const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      if (code !== 0) {
        return [
          i,
          failed<ActiveProducer[]>(
            partitionName(p),
            new KafkaError(code, {
              api: "DescribeProducers",
              broker: leader,
              topic: p.topic,
              partition: p.partition,
              detail: r?.errorMessage,
            }),
          ),
        ];
      }
      return [
        i,
        ok(
          partitionName(p),
          r!.activeProducers.map((s) => ({
            producerId: s.producerId,
            producerEpoch: s.producerEpoch,
            lastSequence: s.lastSequence ?? -1,
            lastTimestamp: Number(s.lastTimestamp ?? -1n),
            coordinatorEpoch: s.coordinatorEpoch,
            currentTxnStartOffset: Number(s.currentTxnStartOffset ?? -1n),
          })),
        ),
      ];
    }));
  });
}

/**
 * Describes transactions at their coordinators, one result per transactional id.
 *
 * @example An id must be given
 * ```ts
 * import { describeTransactions } from "./transactions.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(describeTransactions({} as never, [""]), RangeError);
 * ```
 */
export async function describeTransactions(
  client: Client,
  transactionalIds: readonly string[],
): Promise<ItemResult<TransactionDescription>[]> {
  for (const id of transactionalIds) {
    if (typeof id !== "string" || id === "") {
      throw new RangeError("Cannot describe a transaction as its transactional id is empty");
    }
  }
  return await Promise.all(transactionalIds.map(async (id) => {
    try {
      for (let attempt = 1;; attempt++) {
        const coordinator = await client.coordinator(id, "transaction");
        const res = await client.request(coordinator, API_TABLE[65], { transactionalIds: [id] });
        const s = res.transactionStates.find((x) => x.transactionalId === id);
        const code = s?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
        if (code === ErrorCode.NOT_COORDINATOR && attempt < 5) {
          client.forgetCoordinator(id, "transaction");
          continue;
        }
        if (code !== 0) {
          return failed<TransactionDescription>(
            id,
            new KafkaError(code, { api: "DescribeTransactions", detail: `transaction ${id}` }),
          );
        }
        return ok(id, {
          transactionalId: id,
          state: s!.transactionState,
          timeoutMs: s!.transactionTimeoutMs,
          startTimeMs: Number(s!.transactionStartTimeMs),
          producerId: s!.producerId,
          producerEpoch: s!.producerEpoch,
          coordinator,
          partitions: s!.topics.flatMap((t) =>
            t.partitions.map((partition) => ({ topic: t.topic, partition }))
          ),
        });
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      return failed<TransactionDescription>(id, e);
    }
  }));
}

/**
 * Lists the transactions every broker coordinates, optionally only in some states or of some
 * producer ids.
 *
 * @throws {AdminError} when a broker could not list them.
 *
 * @example
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { listTransactions } from "./transactions.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * console.log(await listTransactions(client, { states: ["Ongoing"] }));
 * ```
 */
export async function listTransactions(
  client: Client,
  options: { states?: readonly string[]; producerIds?: readonly bigint[] } = {},
): Promise<ListedTransaction[]> {
  const brokers = [...(await client.refreshMetadata([])).brokers.keys()].sort((a, b) => a - b);
  const per = await Promise.all(brokers.map(async (broker) => {
    const name = `broker ${broker}`;
    try {
      const res = await client.request(broker, API_TABLE[66], {
        stateFilters: [...(options.states ?? [])],
        producerIdFilters: [...(options.producerIds ?? [])],
      });
      if (res.errorCode !== 0) {
        return failed<ListedTransaction[]>(
          name,
          new KafkaError(res.errorCode, { api: "ListTransactions", broker }),
        );
      }
      return ok(
        name,
        res.transactionStates.map((t) => ({
          transactionalId: t.transactionalId,
          producerId: t.producerId,
          state: t.transactionState,
          coordinator: broker,
        })),
      );
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      return failed<ListedTransaction[]>(name, e);
    }
  }));
  return settle(per).flat().sort((a, b) =>
    a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0
  );
}

/** What {@linkcode abortTransaction} needs: the hanging producer as DescribeProducers reports it. */
export interface AbortTransactionSpec extends PartitionRef {
  /** The producer id. */
  producerId: bigint;
  /** The producer epoch. */
  producerEpoch: number;
  /** The coordinator epoch from DescribeProducers. */
  coordinatorEpoch: number;
}

/**
 * Aborts a hanging transaction in one partition by writing an abort marker at the partition's
 * leader. Take the producer's id, epoch and coordinator epoch from
 * {@linkcode describeProducers}.
 *
 * @throws {KafkaError} e.g. `INVALID_PRODUCER_EPOCH` when the producer moved on.
 *
 * @example The producer id must be given
 * ```ts
 * import { abortTransaction } from "./transactions.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   abortTransaction({} as never, {
 *     topic: "t", partition: 0, producerId: -1n, producerEpoch: 0, coordinatorEpoch: 0,
 *   }),
 *   RangeError,
 * );
 * ```
 */
export async function abortTransaction(
  client: Client,
  spec: AbortTransactionSpec,
): Promise<void> {
  checkPartition("abort a transaction", spec);
  if (typeof spec.producerId !== "bigint" || spec.producerId < 0n) {
    throw new RangeError("Cannot abort a transaction as producerId must be a bigint >= 0");
  }
  const [r] = await toLeaders(client, [spec], async (leader, idx) => {
    const res = await client.request(leader, API_TABLE[27], {
      markers: [{
        producerId: spec.producerId,
        producerEpoch: spec.producerEpoch,
        transactionResult: false,
        topics: [{ name: spec.topic, partitionIndexes: [spec.partition] }],
        coordinatorEpoch: spec.coordinatorEpoch,
      }],
    });
    const code = res.markers[0]?.topics[0]?.partitions[0]?.errorCode ??
      ErrorCode.UNKNOWN_SERVER_ERROR;
    return new Map(idx.map((i) => [
      i,
      code === 0 ? ok(partitionName(spec), undefined) : failed<undefined>(
        partitionName(spec),
        new KafkaError(code, {
          api: "WriteTxnMarkers",
          broker: leader,
          topic: spec.topic,
          partition: spec.partition,
        }),
      ),
    ]));
  });
  if (r?.error) throw r.error;
}
