// Copyright 2026 the kanal authors. MIT license.
// The share consumer against a scripted one-broker cluster: implicit acceptance on the next
// read, explicit acknowledgements, and close releasing what is still acquired.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { Client } from "../client/client.ts";
import { StageRegistry } from "../net/stage_registry.ts";
import { encodeRecordBatch } from "../protocol/record_batch_encoder.ts";
import { ShareConsumer } from "./share_consumer.ts";
import type { ShareConsumerOptions } from "./share_consumer_options.ts";

const T = "AAAAAAAAAAAAAAAAAAAAAQ";

interface Sent {
  api: number;
  body: {
    shareSessionEpoch?: number;
    topics?: {
      partitions: {
        acknowledgementBatches: {
          firstOffset: bigint;
          lastOffset: bigint;
          acknowledgeTypes: number[];
        }[];
      }[];
    }[];
  };
}

/** A broker that hands out offsets two at a time, then nothing, and answers everything else. */
function cluster(): { client: Client; sent: Sent[]; acks: () => [number, number, number][] } {
  const sent: Sent[] = [];
  const registry = new StageRegistry();
  const metadata = {
    topics: new Map([["jobs", { name: "jobs", topicId: T, partitions: [{ partition: 0 }] }]]),
  };
  let next = 0;
  const client = {
    options: { requestTimeoutMs: 1000 },
    registry,
    metadata,
    signal: new AbortController().signal,
    stages: () => registry.snapshot(),
    coordinator: () => Promise.resolve(1),
    forgetCoordinator: () => {},
    leaderFor: () => Promise.resolve({ nodeId: 1 }),
    refreshMetadata: () => Promise.resolve(metadata),
    hintLeader: () => false,
    async request(_broker: number, api: { info: { key: number } }, body: Sent["body"]) {
      sent.push({ api: api.info.key, body });
      const key = api.info.key;
      if (key === 76) {
        return {
          errorCode: 0,
          memberEpoch: 1,
          heartbeatIntervalMs: 20,
          assignment: { topicPartitions: [{ topicId: T, partitions: [0] }] },
        };
      }
      if (key === 78) {
        if (next >= 6) {
          await new Promise((r) => setTimeout(r, 5)); // the long poll, shortened
          return {
            errorCode: 0,
            acquisitionLockTimeoutMs: 30_000,
            responses: [],
            nodeEndpoints: [],
          };
        }
        const first = next;
        next += 2;
        const records = await encodeRecordBatch(
          [{ value: `v${first}`, timestamp: 0 }, { value: `v${first + 1}`, timestamp: 0 }],
          { baseOffset: BigInt(first) },
        );
        return {
          errorCode: 0,
          acquisitionLockTimeoutMs: 30_000,
          responses: [{
            topicId: T,
            partitions: [{
              partitionIndex: 0,
              errorCode: 0,
              acknowledgeErrorCode: 0,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              records,
              acquiredRecords: [{
                firstOffset: BigInt(first),
                lastOffset: BigInt(first + 1),
                deliveryCount: 1,
              }],
            }],
          }],
          nodeEndpoints: [],
        };
      }
      return { errorCode: 0, responses: [], nodeEndpoints: [] };
    },
  } as unknown as Client;
  // Every acknowledgement sent, as [offset, type, epoch of its request].
  const acks = () =>
    sent.flatMap((s) =>
      (s.body.topics ?? []).flatMap((t) =>
        t.partitions.flatMap((p) =>
          p.acknowledgementBatches.flatMap((b) => {
            const out: [number, number, number][] = [];
            for (let o = Number(b.firstOffset); o <= Number(b.lastOffset); o++) {
              const type = b.acknowledgeTypes.length === 1
                ? b.acknowledgeTypes[0]!
                : b.acknowledgeTypes[o - Number(b.firstOffset)]!;
              out.push([o, type, s.body.shareSessionEpoch!]);
            }
            return out;
          })
        )
      )
    );
  return { client, sent, acks };
}

function consumer(client: Client, options: Partial<ShareConsumerOptions> = {}): ShareConsumer {
  return new ShareConsumer(client, { groupId: "g", topics: ["jobs"], maxWaitMs: 0, ...options });
}

test("ShareConsumer implicit mode: reading the next chunk accepts the one before", async () => {
  const { client, acks } = cluster();
  await using c = consumer(client);
  const reader = c.records.getReader();
  const first = (await reader.read()).value!;
  assert.deepEqual(first.records.map((r) => r.offset), [0, 1]);
  assert.deepEqual(acks(), []);
  await reader.read();
  // Accepted (type 1) on the fetch that brought the second chunk.
  assert.deepEqual(acks(), [[0, 1, 1], [1, 1, 1]]);
  reader.releaseLock();
});

test("ShareConsumer explicit mode: only what the reader acknowledged; close releases the rest", async () => {
  const { client, acks, sent } = cluster();
  const c = consumer(client, { acknowledgementMode: "explicit" });
  const reader = c.records.getReader();
  const first = (await reader.read()).value!;
  first.reject(1);
  const second = (await reader.read()).value!;
  second.accept();
  const third = (await reader.read()).value!;
  assert.deepEqual(third.records.map((r) => r.offset), [4, 5]);
  // Chunks fully acknowledged are let go; the first still holds offset 0.
  assert.equal(c.stages().find((s) => s.name === "shareDispatcher")!.counters.held, 2);
  reader.releaseLock();
  await c.close();
  const final = sent.filter((s) => s.api === 79 && s.body.shareSessionEpoch === -1);
  assert.equal(final.length, 1, "the session was closed once, at epoch -1");
  const byOffset = new Map(acks().map(([o, t]) => [o, t]));
  assert.deepEqual([...byOffset].sort((a, b) => a[0] - b[0]), [[0, 2], [1, 3], [2, 1], [3, 1], [
    4,
    2,
  ], [5, 2]]);
  // And it left the group.
  const last = sent.filter((s) => s.api === 76).at(-1)!.body as { memberEpoch?: number };
  assert.equal(last.memberEpoch, -1);
  assert.equal(c.stages().length, 0, "every stage closed");
});
