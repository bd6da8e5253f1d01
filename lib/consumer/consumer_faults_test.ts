// Copyright 2026 the kanal authors. MIT license.
// Consumer against the fake cluster's faults (issue 14): one partition's error fails the merged
// topic stream without an unhandled rejection; a seek during the start-offset lookup wins.
import { test } from "../../tests/_test.ts";
import { until } from "../../tests/_wait.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Producer } from "../producer/producer.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError, MalformedDataError } from "../protocol/kafka_error.ts";
import { LogTruncationError } from "./log_truncation_error.ts";
import type { RecordChunk } from "./record_chunk.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { Consumer } from "./consumer.ts";

test("one partition's error fails the topic stream, and nothing is left unhandled", {
  timeout: 30_000,
}, async () => {
  await using cluster = await FakeCluster.start({
    brokers: 2,
    topics: [{ name: "t", partitions: 2 }],
  });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  const leader0 = cluster.partition("t", 0).leader;
  if (cluster.partition("t", 1).leader === leader0) {
    cluster.moveLeader("t", 1, leader0 === 1 ? 2 : 1);
  }
  await using producer = new Producer(client);
  await producer.send([{ topic: "t", partition: 1, value: "a" }]);
  let failed = false;
  cluster.intercept(() => {
    failed = true;
    return { kind: "error", code: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
  }, { key: 1, broker: leader0 });
  await using consumer = new Consumer(client);
  const stream = await consumer.topic("t");
  const reader = stream.getReader();
  // Partition 1 keeps delivering after partition 0 failed: its chunks must not throw where
  // nobody listens.
  const error = await (async () => {
    try {
      for (let i = 0;; i++) {
        await reader.read();
        if (failed) await producer.send([{ topic: "t", partition: 1, value: `b${i}` }]);
      }
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof KafkaError);
  assert.equal(error.code, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  // The other partition was stopped with the stream, not left fetching into nowhere.
  await until(
    "partition 1 stopped",
    () => !consumer.stages().some((s) => s.name === "partitionConsumer" && s.role.endsWith("t/1")),
  );
  await producer.send([{ topic: "t", partition: 1, value: "c" }]);
});

test("a seek during the start-offset lookup is not overwritten by the lookup", {
  timeout: 30_000,
}, async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 1 }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client);
  await producer.send(Array.from({ length: 5 }, (_, i) => ({ topic: "t", value: `v${i}` })));
  let lookups = 0;
  cluster.intercept(() => {
    lookups++;
    return { kind: "delay", ms: 200 };
  }, { key: 2 });
  await using consumer = new Consumer(client);
  const pc = consumer.partition("t", 0, { offset: "oldest" });
  await new Promise<void>((r) => {
    const wait = () => lookups > 0 ? r() : setTimeout(wait, 5);
    wait();
  });
  pc.seek(3);
  const { value } = await pc.getReader().read();
  assert.equal(value?.records[0]?.offset, 3);
});

test("lag under read_committed counts to the last stable offset, not the high watermark", {
  timeout: 30_000,
}, async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 1 }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client);
  await producer.send(Array.from({ length: 5 }, (_, i) => ({ topic: "t", value: `v${i}` })));
  // An open transaction from offset 5 to 9: the high watermark is 10, the stable offset 5.
  type Res = {
    responses: { partitions: { highWatermark: bigint; lastStableOffset?: bigint }[] }[];
  };
  cluster.intercept(() => ({
    kind: "rewrite",
    fn: (res) => {
      for (const t of (res as Res).responses) {
        for (const p of t.partitions) {
          p.highWatermark = 10n;
          p.lastStableOffset = 5n;
        }
      }
      return res;
    },
  }), { key: 1 });
  await using consumer = new Consumer(client, { isolationLevel: "read_committed" });
  const pc = consumer.partition("t", 0);
  const { value } = await pc.getReader().read();
  assert.equal(value?.records.length, 5);
  assert.equal(pc.lag, 0, "nothing after the stable offset can be read yet");
  assert.equal(value?.lag, 0);
});

test("the buffer budget counts decompressed bytes", { timeout: 30_000 }, async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 1 }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client, { compression: "gzip" });
  // Two batches of 256 KiB each that compress to almost nothing.
  const value = new Uint8Array(64 * 1024);
  for (let b = 0; b < 2; b++) {
    await producer.send(Array.from({ length: 4 }, () => ({ topic: "t", value })));
  }
  await using consumer = new Consumer(client, { partitionBufferBytes: 64 * 1024 });
  consumer.partition("t", 0);
  const stage = () => consumer.stages().find((s) => s.name === "partitionConsumer")!;
  // Nobody reads: after the first batch's 256 KiB the partition is over budget and is left
  // out of fetches, instead of fetching on while counting a few compressed bytes.
  await until("a chunk arrived", () => (stage().counters.chunks ?? 0) >= 1);
  await until("backpressured", () => stage().state === "backpressured", 5_000);
  assert.ok((stage().counters.buffered ?? 0) >= 4 * 64 * 1024, "the decoded records count");
});

async function fetchSetup() {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: "t", partitions: 1 }] });
  const client = await Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
  await using producer = new Producer(client);
  await producer.send(Array.from({ length: 5 }, (_, i) => ({ topic: "t", value: `v${i}` })));
  return {
    cluster,
    client,
    producer: new Producer(client),
    async [Symbol.asyncDispose]() {
      await this.producer.close();
      await client.close();
      await cluster.close();
    },
  };
}

/** Reads offsets from `pc` until `n` arrived. */
async function offsets(reader: ReadableStreamDefaultReader<RecordChunk>, n: number) {
  const out: number[] = [];
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const r of value.records) out.push(r.offset);
  }
  return out;
}

for (
  const [name, code] of [
    ["FETCH_SESSION_ID_NOT_FOUND", ErrorCode.FETCH_SESSION_ID_NOT_FOUND],
    ["INVALID_FETCH_SESSION_EPOCH", ErrorCode.INVALID_FETCH_SESSION_EPOCH],
    ["FENCED_LEADER_EPOCH", ErrorCode.FENCED_LEADER_EPOCH],
    ["NOT_LEADER_OR_FOLLOWER", ErrorCode.NOT_LEADER_OR_FOLLOWER],
  ] as const
) {
  test(`a fetch failing with ${name} neither skips nor repeats a record`, {
    timeout: 30_000,
  }, async () => {
    await using env = await fetchSetup();
    await using consumer = new Consumer(env.client);
    const reader = consumer.partition("t", 0).getReader();
    assert.deepEqual(await offsets(reader, 5), [0, 1, 2, 3, 4]);
    const hook = env.cluster.intercept(() => ({ kind: "error", code }), { key: 1, once: true });
    if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.FENCED_LEADER_EPOCH) {
      env.cluster.moveLeader("t", 0);
    }
    await env.producer.send(Array.from({ length: 5 }, (_, i) => ({ topic: "t", value: `w${i}` })));
    assert.deepEqual(await offsets(reader, 5), [5, 6, 7, 8, 9]);
    assert.equal(hook.calls > 0, true);
    assert.deepEqual(env.cluster.faults, []);
  });
}

test("OFFSET_OUT_OF_RANGE restarts by policy, or fails the stream with the typed error", {
  timeout: 30_000,
}, async () => {
  await using env = await fetchSetup();
  await using oldest = new Consumer(env.client, { offsetOutOfRange: "oldest" });
  assert.deepEqual(await offsets(oldest.partition("t", 0, { offset: 50 }).getReader(), 5), [
    0,
    1,
    2,
    3,
    4,
  ]);
  await using strict = new Consumer(env.client, { offsetOutOfRange: "error" });
  await assert.rejects(
    offsets(strict.partition("t", 0, { offset: 50 }).getReader(), 1),
    (e) => e instanceof KafkaError && e.code === ErrorCode.OFFSET_OUT_OF_RANGE,
  );
});

test(
  "a corrupt batch fails the stream with a MalformedDataError",
  { timeout: 30_000 },
  async () => {
    await using env = await fetchSetup();
    type Res = { responses: { partitions: { records?: Uint8Array | null }[] }[] };
    env.cluster.intercept(() => ({
      kind: "rewrite",
      fn: (res) => {
        for (const t of (res as Res).responses) {
          for (const p of t.partitions) {
            if (p.records && p.records.length > 70) {
              const copy = p.records.slice();
              copy[copy.length - 1]! ^= 0xff; // inside the CRC-covered records
              p.records = copy;
            }
          }
        }
        return res;
      },
    }), { key: 1 });
    await using consumer = new Consumer(env.client);
    await assert.rejects(
      offsets(consumer.partition("t", 0).getReader(), 5),
      (e) => e instanceof MalformedDataError,
    );
  },
);

/** A partition read to offset 10 at epoch 0, then cut back to 5 by an unclean election. */
async function truncated(
  logTruncation: "resume" | "error",
  body: (pc: ReadableStreamDefaultReader<RecordChunk>) => Promise<void>,
  maxVersions?: Record<number, number>,
): Promise<void> {
  await using cluster = await FakeCluster.start({
    topics: [{ name: "t", partitions: 1 }],
    maxVersions,
  });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client);
  // Two batches, so the cut at 5 keeps the first (a batch straddling the cut would go whole).
  for (const from of [0, 5]) {
    await producer.send(
      Array.from({ length: 5 }, (_, i) => ({ topic: "t", value: `a${from + i}` })),
    );
  }
  // "oldest" on out of range would replay offsets 0 to 4 silently: truncation must not hide there.
  await using consumer = new Consumer(client, { logTruncation, offsetOutOfRange: "oldest" });
  const reader = consumer.partition("t", 0, { offset: "oldest" }).getReader();
  let seen = 0;
  while (seen < 10) seen += (await reader.read()).value!.records.length;
  cluster.truncate("t", 0, 5n);
  await client.refreshMetadata(["t"]);
  await producer.send(Array.from({ length: 3 }, (_, i) => ({ topic: "t", value: `b${i}` })));
  await body(reader);
}

// OffsetForLeaderEpoch v2 has no currentLeaderEpoch, so the partition does not validate with it:
// only the fetch's divergingEpoch finds the truncation.
const DIVERGING_EPOCH_ONLY = { 23: 2 };

test("after a truncation the partition resumes at the divergence point (KIP-320)", {
  timeout: 30_000,
}, async () => {
  await truncated("resume", async (reader) => {
    const got: string[] = [];
    while (got.length < 3) {
      for (const r of (await reader.read()).value!.records) {
        got.push(`${r.offset}:${new TextDecoder().decode(r.value!)}`);
      }
    }
    assert.deepEqual(got, ["5:b0", "6:b1", "7:b2"]);
  }, DIVERGING_EPOCH_ONLY);
});

test("after a truncation the partition raises LogTruncationError by policy", {
  timeout: 30_000,
}, async () => {
  await truncated("error", async (reader) => {
    const error = await reader.read().then(() => null, (e) => e);
    assert.ok(error instanceof LogTruncationError, String(error));
    assert.equal(error.site.api, "Fetch");
    assert.equal(error.divergedAt, 5);
    assert.equal(error.position, 10);
  }, DIVERGING_EPOCH_ONLY);
});

// Fetch v11 has no lastFetchedEpoch, so the broker never answers divergingEpoch: only the
// OffsetForLeaderEpoch check after the leader change finds the truncation (as Java's does).
const NO_DIVERGING_EPOCH = { 1: 11 };

test("after a leader change the position is validated with OffsetForLeaderEpoch (KIP-320)", {
  timeout: 30_000,
}, async () => {
  await truncated("resume", async (reader) => {
    const got: string[] = [];
    while (got.length < 3) {
      for (const r of (await reader.read()).value!.records) {
        got.push(`${r.offset}:${new TextDecoder().decode(r.value!)}`);
      }
    }
    assert.deepEqual(got, ["5:b0", "6:b1", "7:b2"]);
  }, NO_DIVERGING_EPOCH);
});

test("a truncation found by OffsetForLeaderEpoch raises LogTruncationError by policy", {
  timeout: 30_000,
}, async () => {
  await truncated("error", async (reader) => {
    const error = await reader.read().then(() => null, (e) => e);
    assert.ok(error instanceof LogTruncationError, String(error));
    assert.equal(error.site.api, "OffsetForLeaderEpoch");
    assert.equal(error.divergedAt, 5);
    assert.equal(error.position, 10);
  }, NO_DIVERGING_EPOCH);
});
