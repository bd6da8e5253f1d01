// Copyright 2026 the kanal authors. MIT license.
// Conformance: transactions' visibility. Open, aborted and committed transactions as
// read_committed and read_uncommitted readers see them, offsets committed with a
// transaction, and a fenced producer; against the fake cluster and the real broker.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { ErrorCode } from "../../lib/protocol/error_codes.ts";
import { decodeRecordBatches } from "../../lib/protocol/record_batch_decoder.ts";
import { encodeRecordBatch } from "../../lib/protocol/record_batch_encoder.ts";
import { createTopic, freshTopic, openTarget, TARGETS } from "./_targets.ts";

const RETRIABLE: number[] = [
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.CONCURRENT_TRANSACTIONS,
];

/** Repeats `fn` while it answers a code of `retriable`; returns the last code. */
async function settle(
  fn: () => Promise<number>,
  retriable: readonly number[] = RETRIABLE,
): Promise<number> {
  // A fresh broker creates __transaction_state on first use and elects its leaders; on a loaded
  // machine that takes well over ten seconds.
  const deadline = Date.now() + 60_000;
  let code = 0;
  while (Date.now() < deadline) {
    code = await fn();
    if (!retriable.includes(code)) return code;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`still answering retriable error ${code}`);
}

/** Waits until `fn` returns `want` (a real broker writes markers after EndTxn answers). */
async function eventually<T>(fn: () => Promise<T>, want: T): Promise<void> {
  let got: T = await fn();
  for (let i = 0; i < 200 && got !== want; i++) {
    await new Promise((r) => setTimeout(r, 50));
    got = await fn();
  }
  assert.equal(got, want);
}

for (const name of TARGETS) {
  test(`[${name}] transactions: what read_committed and read_uncommitted readers see`, async () => {
    await using t = await openTarget(name);
    const topic = freshTopic("txn");
    await createTopic(t, topic);
    const txnId = freshTopic("tx");
    const group = freshTopic("txg");
    let pid = -1n;
    let epoch = -1;
    // As a client does: find the coordinators first. On a fresh broker that is what creates
    // __transaction_state (and __consumer_offsets); until then every broker says NOT_COORDINATOR.
    for (const [keyType, key] of [[1, txnId], [0, group]] as const) {
      assert.equal(
        await settle(async () => {
          const r = await t.call(API_TABLE[10], 6, { keyType, coordinatorKeys: [key] });
          return r.coordinators![0]!.errorCode;
        }, [ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]),
        0,
      );
    }
    assert.equal(
      await settle(async () => {
        const r = await t.call(API_TABLE[22], 4, {
          transactionalId: txnId,
          transactionTimeoutMs: 60_000,
        });
        pid = r.producerId ?? -1n;
        epoch = r.producerEpoch;
        return r.errorCode;
      }),
      0,
    );
    let seq = 0;
    const addPartition = () =>
      settle(async () => {
        const r = await t.call(API_TABLE[24], 3, {
          v3AndBelowTransactionalId: txnId,
          v3AndBelowProducerId: pid,
          v3AndBelowProducerEpoch: epoch,
          v3AndBelowTopics: [{ name: topic, partitions: [0] }],
        });
        return r.resultsByTopicV3AndBelow![0]!.resultsByPartition[0]!.partitionErrorCode;
      });
    // A real broker may still be taking up leadership of the new partition: a batch answered
    // NOT_LEADER_OR_FOLLOWER was not appended and is sent again, as a client does.
    const produce = (values: string[], producerEpoch = epoch) =>
      settle(() => produceOnce(values, producerEpoch), [ErrorCode.NOT_LEADER_OR_FOLLOWER]);
    const produceOnce = async (values: string[], producerEpoch: number) => {
      const batch = await encodeRecordBatch(values.map((value) => ({ value, timestamp: 1 })), {
        producerId: pid,
        producerEpoch,
        baseSequence: seq,
        transactional: true,
      });
      const r = await t.call(API_TABLE[0], 9, {
        transactionalId: txnId,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
      });
      const p = r.responses[0]!.partitionResponses[0]!;
      if (p.errorCode === 0) seq += values.length;
      return p.errorCode;
    };
    const endTxn = (committed: boolean, producerEpoch = epoch) =>
      settle(async () =>
        (await t.call(API_TABLE[26], 3, {
          transactionalId: txnId,
          producerId: pid,
          producerEpoch,
          committed,
        }))
          .errorCode
      );
    const latest = async (isolationLevel: number) =>
      (await t.call(API_TABLE[2], 8, {
        replicaId: -1,
        isolationLevel,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
      })).topics[0]!.partitions[0]!.offset;
    // Reads from 0 to the end, fetch after fetch: how many batches one fetch returns is the
    // broker's choice (Kafka may stop at the data batch before a marker).
    const read = async (isolationLevel: number) => {
      let offset = 0n;
      let lso = -1n;
      const aborted = new Set<string>();
      const data: string[] = [];
      const markers: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await t.call(API_TABLE[1], 12, {
          maxWaitMs: 0,
          minBytes: 0,
          maxBytes: 1 << 20,
          isolationLevel,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{
            topic,
            partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }],
          }],
        });
        const p = r.responses[0]!.partitions[0]!;
        lso = p.lastStableOffset ?? -1n;
        for (const a of p.abortedTransactions ?? []) {
          aborted.add(`${a.producerId === pid}:${a.firstOffset}`);
        }
        const { batches } = await decodeRecordBatches(p.records ?? new Uint8Array(0));
        if (batches.length === 0) break;
        for (const b of batches) {
          if (b.isControl) markers.push(`${b.baseOffset}:${b.controlMarker!.type}`);
          else data.push(...b.records.map((x) => new TextDecoder().decode(x.value!)));
        }
        offset = batches.at(-1)!.lastOffset + 1n;
      }
      return { lso, aborted: [...aborted], data, markers };
    };

    // An open transaction: visible to read_uncommitted only.
    assert.equal(await addPartition(), 0);
    assert.equal(await produce(["a1", "a2"]), 0);
    assert.equal(await latest(0), 2n);
    assert.equal(await latest(1), 0n);
    assert.deepEqual((await read(1)).data, []);
    assert.deepEqual((await read(0)).data, ["a1", "a2"]);
    // Aborted: a marker at 2; read_committed readers get the batch and the aborted list.
    assert.equal(await endTxn(false), 0);
    await eventually(() => latest(1), 3n);
    const afterAbort = await read(1);
    assert.deepEqual(afterAbort.markers, ["2:abort"]);
    assert.deepEqual(afterAbort.aborted, ["true:0"]);
    // Committed, with a group's offset: a marker at 5, and the offset becomes the group's.
    assert.equal(await addPartition(), 0);
    assert.equal(await produce(["b1", "b2"]), 0);
    assert.equal(
      await settle(async () =>
        (await t.call(API_TABLE[25], 3, {
          transactionalId: txnId,
          producerId: pid,
          producerEpoch: epoch,
          groupId: group,
        }))
          .errorCode
      ),
      0,
    );
    const txnCommit = await settle(async () =>
      (await t.call(API_TABLE[28], 3, {
        transactionalId: txnId,
        groupId: group,
        producerId: pid,
        producerEpoch: epoch,
        generationId: -1,
        memberId: "",
        groupInstanceId: null,
        topics: [{
          name: topic,
          partitions: [{
            partitionIndex: 0,
            committedOffset: 6n,
            committedLeaderEpoch: -1,
            committedMetadata: "",
          }],
        }],
      })).topics[0]!.partitions[0]!.errorCode
    );
    assert.equal(txnCommit, 0);
    // Before the commit, the offset is pending: a stable read is refused, a plain one sees none.
    const committedNow = async (requireStable: boolean) => {
      const r = await t.call(API_TABLE[9], 9, {
        groups: [{
          groupId: group,
          memberId: null,
          memberEpoch: -1,
          topics: [{ name: topic, partitionIndexes: [0] }],
        }],
        requireStable,
      });
      const p = r.groups![0]!.topics[0]!.partitions[0]!;
      return [p.errorCode, p.errorCode === 0 ? p.committedOffset : null];
    };
    assert.deepEqual(await committedNow(true), [ErrorCode.UNSTABLE_OFFSET_COMMIT, null]);
    assert.deepEqual(await committedNow(false), [0, -1n]);
    assert.equal(await endTxn(true), 0);
    await eventually(() => latest(1), 6n);
    const afterCommit = await read(1);
    assert.deepEqual(afterCommit.markers, ["2:abort", "5:commit"]);
    assert.deepEqual(afterCommit.aborted, ["true:0"]);
    assert.deepEqual(afterCommit.data, ["a1", "a2", "b1", "b2"]); // the reader drops a1, a2
    await eventually(async () => {
      const r = await t.call(API_TABLE[9], 9, {
        groups: [{
          groupId: group,
          memberId: null,
          memberEpoch: -1,
          topics: [{ name: topic, partitionIndexes: [0] }],
        }],
        requireStable: false,
      });
      return r.groups![0]!.topics[0]!.partitions[0]!.committedOffset;
    }, 6n);
    // A second InitProducerId fences the first epoch.
    const oldEpoch = epoch;
    assert.equal(
      await settle(async () => {
        const r = await t.call(API_TABLE[22], 4, {
          transactionalId: txnId,
          transactionTimeoutMs: 60_000,
        });
        epoch = r.producerEpoch;
        return r.errorCode;
      }),
      0,
    );
    assert.equal(epoch, oldEpoch + 1);
    assert.equal(await endTxn(true, oldEpoch), ErrorCode.PRODUCER_FENCED);
    assert.deepEqual(
      [await addPartition(), await produce(["c"], oldEpoch)],
      [0, ErrorCode.INVALID_PRODUCER_EPOCH],
    );
  });
}
