// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Produce (key 0): validates each partition's batch (layout, CRC, records), appends it to the
 * leader's log with the idempotence checks, and answers as Kafka does; acks=0 gets no answer.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import { KafkaError } from "../../protocol/kafka_error.ts";
import type {
  ProduceRequest,
  ProduceResponse,
  ProduceResponsePartitionProduceResponse,
} from "../../protocol/messages/produce.ts";
import { decodeRecordBatches } from "../../protocol/record_batch_decoder.ts";
import type { FakeBroker } from "../cluster_state.ts";
import { type FakeHandler, type HandlerContext, NO_RESPONSE } from "../handler.ts";
import { checkBatch } from "../partition_log.ts";

function failed(
  index: number,
  errorCode: number,
  errorMessage: string | null = null,
): ProduceResponsePartitionProduceResponse {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage,
  };
}

/**
 * Decodes the batch fully, as a broker's validator does, and checks that the records' offsets
 * run 0, 1, 2, ...; returns an error or null.
 */
async function checkRecords(batch: Uint8Array): Promise<{ code: number; message: string } | null> {
  try {
    const { batches } = await decodeRecordBatches(batch);
    const b = batches[0];
    if (batches.length !== 1 || b === undefined) {
      return { code: ErrorCode.CORRUPT_MESSAGE, message: "no complete batch" };
    }
    for (let i = 0; i < b.records.length; i++) {
      if (b.records[i]!.offset !== Number(b.baseOffset) + i) {
        return { code: ErrorCode.INVALID_RECORD, message: `record ${i} has a wrong offset delta` };
      }
    }
    return null;
  } catch (e) {
    if (e instanceof KafkaError) return { code: ErrorCode.CORRUPT_MESSAGE, message: e.message };
    return { code: ErrorCode.CORRUPT_MESSAGE, message: String(e) };
  }
}

function endpoints(
  brokers: Iterable<FakeBroker>,
): { nodeId: number; host: string; port: number; rack: string | null }[] {
  return [...brokers].filter((b) => b.running).map((b) => ({
    nodeId: b.id,
    host: b.host,
    port: b.port,
    rack: b.rack,
  }));
}

/**
 * A transactional batch must come with the transactional id whose open transaction holds the
 * partition (Kafka's verification, KIP-890 part 1), and a batch sent with a transactional id
 * must be transactional.
 */
function checkTransactional(
  ctx: HandlerContext,
  transactionalId: string | null,
  topic: string,
  pd: { index: number; records: Uint8Array | null },
): number {
  const v = new DataView(pd.records!.buffer, pd.records!.byteOffset, pd.records!.byteLength);
  const transactional = (v.getInt16(21) & 0x10) !== 0;
  if (transactionalId === null) {
    return transactional ? ErrorCode.INVALID_TXN_STATE : 0;
  }
  if (!transactional) return ErrorCode.INVALID_TXN_STATE;
  const producerId = v.getBigInt64(43);
  const epoch = v.getInt16(51);
  const bad = ctx.transactions.check(transactionalId, producerId, epoch);
  if (bad === ErrorCode.PRODUCER_FENCED) return ErrorCode.INVALID_PRODUCER_EPOCH;
  if (bad !== 0) return bad;
  return ctx.transactions.inTransaction(transactionalId, producerId, topic, pd.index)
    ? 0
    : ErrorCode.INVALID_TXN_STATE;
}

/** Options the null-broker mode and tests may set on the produce path. */
export interface ProduceOptions {
  /** Skip decoding the records (the null broker's fast path). @default {false} */
  headerOnly?: boolean;
}

/** Makes the Produce handler. */
export function makeProduceHandler(options: ProduceOptions = {}): FakeHandler {
  return {
    key: 0,
    async handle(
      ctx: HandlerContext,
      body: unknown,
    ): Promise<ProduceResponse | typeof NO_RESPONSE> {
      const req = body as ProduceRequest;
      const { state, broker, version } = ctx;
      const now = BigInt(Date.now());
      let notLeader = false;
      let appended = false;
      const responses: ProduceResponse["responses"] = [];
      for (const td of req.topicData) {
        // Named below v13, the most the fake offers.
        const name = td.name ?? "";
        const topic = state.topics.get(name);
        const partitionResponses: ProduceResponsePartitionProduceResponse[] = [];
        for (const pd of td.partitionData) {
          if (req.acks !== -1 && req.acks !== 0 && req.acks !== 1) {
            partitionResponses.push(failed(pd.index, ErrorCode.INVALID_REQUIRED_ACKS));
            continue;
          }
          const p = topic?.partitions[pd.index];
          if (p === undefined) {
            partitionResponses.push(failed(pd.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
            continue;
          }
          if (p.leader !== broker.id) {
            notLeader = true;
            const r = failed(pd.index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
            if (version >= 10) r.currentLeader = { leaderId: p.leader, leaderEpoch: p.leaderEpoch };
            partitionResponses.push(r);
            continue;
          }
          if (pd.records === null || pd.records.length === 0) {
            partitionResponses.push(failed(pd.index, ErrorCode.INVALID_RECORD, "no records"));
            continue;
          }
          const bad = checkBatch(pd.records) ??
            (options.headerOnly ? null : await checkRecords(pd.records));
          if (bad !== null) {
            partitionResponses.push(failed(pd.index, bad.code, bad.message));
            continue;
          }
          const txnError = checkTransactional(ctx, req.transactionalId ?? null, name, pd);
          if (txnError !== 0) {
            partitionResponses.push(failed(pd.index, txnError));
            continue;
          }
          // The log keeps the batch, and the frame buffer is not ours: copy, unless the null
          // broker only counts it.
          const batch = options.headerOnly ? pd.records : pd.records.slice();
          const r = p.log.append(batch, p.leaderEpoch, now);
          if (r.errorCode === 0) appended = true;
          partitionResponses.push({
            index: pd.index,
            errorCode: r.errorCode,
            baseOffset: r.baseOffset,
            logAppendTimeMs: r.logAppendTime,
            logStartOffset: r.logStartOffset,
            recordErrors: [],
            errorMessage: r.errorMessage,
          });
        }
        responses.push({ name, partitionResponses });
      }
      if (appended) state.notify();
      if (req.acks === 0) return NO_RESPONSE;
      return {
        responses,
        throttleTimeMs: 0,
        nodeEndpoints: notLeader && version >= 10 ? endpoints(state.brokers.values()) : [],
      };
    },
    errorAnswer(_ctx: HandlerContext, body: unknown, code: number): ProduceResponse {
      const req = body as ProduceRequest;
      return {
        responses: req.topicData.map((td) => ({
          name: td.name,
          partitionResponses: td.partitionData.map((pd) => failed(pd.index, code)),
        })),
        throttleTimeMs: 0,
      };
    },
  };
}
