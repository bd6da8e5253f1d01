// Copyright 2026 the kanal authors. MIT license.
// The shareFetcher against a scripted broker: epochs, acknowledgements riding on fetches or
// going alone, gaps, and session reopening.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { Client } from "../client/client.ts";
import { StageRegistry } from "../net/stage_registry.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { encodeRecordBatch } from "../protocol/record_batch_encoder.ts";
import type { AssignedPartition, ShareContext } from "./_share_context.ts";
import { resolveShareConsumerOptions } from "./share_consumer_options.ts";
import type { ShareChunk } from "./share_chunk.ts";
import { ShareFetcher } from "./share_fetcher.ts";

const TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAQ";
const P0: AssignedPartition = { topic: "jobs", topicId: TOPIC_ID, partition: 0 };

interface Sent {
  api: number;
  body: Record<string, unknown>;
}

/** A client whose broker answers from `answer`, keeping what was sent. */
function scripted(answer: (api: number, body: Record<string, unknown>) => unknown): {
  client: Client;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  const client = {
    options: { requestTimeoutMs: 1000 },
    request(_broker: number, api: { info: { key: number } }, body: Record<string, unknown>) {
      sent.push({ api: api.info.key, body });
      return Promise.resolve(answer(api.info.key, body));
    },
    hintLeader() {
      return false;
    },
  } as unknown as Client;
  return { client, sent };
}

function context(client: Client, partitions: () => AssignedPartition[]): ShareContext & {
  failures: unknown[];
} {
  const failures: unknown[] = [];
  return {
    client,
    options: resolveShareConsumerOptions({ groupId: "g", topics: ["jobs"], maxWaitMs: 0 }),
    memberId: "m",
    role: "share consumer test",
    closed: false,
    partitionsOf: partitions,
    relocate: () => {},
    ackFailed: (e) => failures.push(e),
    fail: (e) => failures.push(e),
    failures,
  };
}

async function fetchAnswer(
  records: { offset: number; value: string }[],
  acquired: [number, number, number][],
) {
  const bytes = records.length === 0 ? null : await encodeRecordBatch(
    records.map((r) => ({ value: r.value, timestamp: 0 })),
    { baseOffset: BigInt(records[0]!.offset) },
  );
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    acquisitionLockTimeoutMs: 30_000,
    responses: [{
      topicId: TOPIC_ID,
      partitions: [{
        partitionIndex: 0,
        errorCode: 0,
        acknowledgeErrorCode: 0,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
        records: bytes,
        acquiredRecords: acquired.map(([f, l, d]) => ({
          firstOffset: BigInt(f),
          lastOffset: BigInt(l),
          deliveryCount: d,
        })),
      }],
    }],
    nodeEndpoints: [],
  };
}

const ACK_OK = { throttleTimeMs: 0, errorCode: 0, responses: [], nodeEndpoints: [] };

async function waitFor(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

test("shareFetcher: only acquired offsets are handed out; the rest of the range are gaps", async () => {
  const { client, sent } = scripted((api) =>
    api === 78
      ? fetchAnswer([{ offset: 10, value: "a" }, { offset: 11, value: "b" }, {
        offset: 12,
        value: "c",
      }], [
        [11, 13, 2],
      ])
      : ACK_OK
  );
  const ctx = context(client, () => [P0]);
  const fetcher = new ShareFetcher(ctx, 1, new StageRegistry().register("shareFetcher", "t"));
  const reader = fetcher.getReader();
  const r = await reader.read();
  const chunk = r.value![0]!;
  assert.deepEqual(chunk.records.map((x) => x.offset), [11, 12]);
  assert.deepEqual(chunk.deliveryCounts, [2, 2]);
  assert.equal(sent[0]!.body.shareSessionEpoch, 0);
  // Offset 13 was acquired with no record in the data: acknowledged as a gap (type 0).
  await waitFor("the gap's acknowledgement", () => sent.some((s) => s.api === 79));
  const ack = sent.find((s) => s.api === 79)!.body as {
    shareSessionEpoch: number;
    topics: unknown;
  };
  assert.equal(ack.shareSessionEpoch, 1);
  assert.deepEqual(ack.topics, [{
    topicId: TOPIC_ID,
    partitions: [{
      partitionIndex: 0,
      acknowledgementBatches: [{ firstOffset: 13n, lastOffset: 13n, acknowledgeTypes: [0] }],
    }],
  }]);
  await reader.cancel();
  assert.deepEqual(ctx.failures, []);
});

test("shareFetcher: acknowledgements ride on the next fetch, with the next epoch", async () => {
  let n = 0;
  const { client, sent } = scripted((api) =>
    api === 78
      ? fetchAnswer(n++ === 0 ? [{ offset: 0, value: "a" }] : [{ offset: 1, value: "b" }], [[
        n - 1,
        n - 1,
        1,
      ]])
      : ACK_OK
  );
  const ctx = context(client, () => [P0]);
  const fetcher = new ShareFetcher(ctx, 1, new StageRegistry().register("shareFetcher", "t"));
  const reader = fetcher.getReader();
  const first = (await reader.read()).value![0]!;
  first.reject();
  await reader.read();
  const fetches = sent.filter((s) => s.api === 78);
  assert.equal(sent.filter((s) => s.api === 79).length, 0);
  assert.equal(fetches[1]!.body.shareSessionEpoch, 1);
  assert.deepEqual(fetches[1]!.body.topics, [{
    topicId: TOPIC_ID,
    partitions: [{
      partitionIndex: 0,
      acknowledgementBatches: [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [3] }],
    }],
  }]);
  await reader.cancel();
});

test("shareFetcher: acknowledgements made while it waits for partitions go alone", async () => {
  let assigned = [P0];
  const { client, sent } = scripted((api) =>
    api === 78 ? fetchAnswer([{ offset: 0, value: "a" }], [[0, 0, 1]]) : ACK_OK
  );
  const ctx = context(client, () => assigned);
  const fetcher = new ShareFetcher(ctx, 1, new StageRegistry().register("shareFetcher", "t"));
  const reader = fetcher.getReader();
  const chunk: ShareChunk = (await reader.read()).value![0]!;
  assigned = []; // the partition went away: the next read waits for one
  const pending = reader.read();
  await new Promise((r) => setTimeout(r, 0));
  chunk.accept();
  await waitFor("a ShareAcknowledge", () => sent.some((s) => s.api === 79));
  const ack = sent.find((s) => s.api === 79)!.body as { shareSessionEpoch: number };
  assert.equal(ack.shareSessionEpoch, 1);
  await reader.cancel();
  await pending;
});

test("shareFetcher: SHARE_SESSION_NOT_FOUND reopens the session at epoch 0", async () => {
  let n = 0;
  const { client, sent } = scripted((api) => {
    if (api !== 78) return ACK_OK;
    n++;
    if (n === 2) {
      return {
        ...ACK_OK,
        errorCode: ErrorCode.SHARE_SESSION_NOT_FOUND,
        acquisitionLockTimeoutMs: 0,
      };
    }
    return n === 1 ? fetchAnswer([], []) : fetchAnswer([{ offset: 5, value: "x" }], [[5, 5, 1]]);
  });
  const stage = new StageRegistry().register("shareFetcher", "t");
  const fetcher = new ShareFetcher(context(client, () => [P0]), 1, stage);
  const reader = fetcher.getReader();
  const chunk = (await reader.read()).value![0]!;
  assert.equal(chunk.records[0]!.offset, 5);
  assert.deepEqual(sent.map((s) => s.body.shareSessionEpoch), [0, 1, 0]);
  assert.equal(stage.counters.sessionReopens, 1);
  await reader.cancel();
});
