// Copyright 2026 the kanal authors. MIT license.
// kanal-test: serial — it measures the process's memory, which test files running beside it in
// the same runner process would add to.
// Backpressure: a sink that takes one record a millisecond, on a partition of a million
// records, keeps the process's memory within the documented bound, and the stage dump shows
// that partition backpressured while its neighbour keeps flowing.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import process from "node:process";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Consumer } from "../lib/consumer/consumer.ts";
import type { RecordChunk } from "../lib/consumer/record_chunk.ts";
import { Producer } from "../lib/producer/producer.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { until } from "./_wait.ts";

const SLOW_RECORDS = 1_000_000;
const FAST_RECORDS = 100_000;
const MiB = 1024 * 1024;
// The bound docs/architecture.md states: per partition, partitionBufferBytes plus one fetch
// (maxPartitionBytes) of fetched bytes, and the decoded records over them (small records cost
// about as much again in objects). Two partitions at the defaults (4 MiB + 1 MiB) make ~20 MiB;
// the test allows 64 MiB of growth for the runtime's own slack (GC timing, JIT).
const MEMORY_BOUND = 64 * MiB;

test("a slow partition is held back by its own buffer while its neighbour keeps flowing", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const topic = uniqueTopic("backpressure");
  await new Admin(client).createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
  {
    await using producer = new Producer(client, { lingerMs: 20 });
    const writer = producer.writable.getWriter();
    const value = new Uint8Array(100).fill(0x61);
    for (let i = 0; i < SLOW_RECORDS; i += 2000) {
      await writer.write(Array.from({ length: 2000 }, () => ({ topic, value, partition: 0 })));
    }
    for (let i = 0; i < FAST_RECORDS; i += 2000) {
      await writer.write(Array.from({ length: 2000 }, () => ({ topic, value, partition: 1 })));
    }
    writer.releaseLock();
    await producer.flush();
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  await using consumer = new Consumer(client);
  const slow = consumer.partition(topic, 0);
  const fast = consumer.partition(topic, 1);
  let slowTaken = 0;
  // One record a millisecond: a chunk of n records takes n ms.
  const slowSink = new WritableStream<RecordChunk>({
    write(chunk) {
      slowTaken += chunk.records.length;
      return new Promise((r) => setTimeout(r, chunk.records.length));
    },
  });
  const stopSlow = new AbortController();
  const slowPipe = slow.pipeTo(slowSink, { signal: stopSlow.signal }).catch(() => {});
  let fastTaken = 0;
  try {
    for await (const chunk of fast) {
      fastTaken += chunk.records.length;
      if (fastTaken >= FAST_RECORDS) break;
    }
    // The slow partition fills its buffer and holds back; then, once its sink has taken more
    // of it, it refills and holds back again: the bound holds while records keep moving.
    const stage = () => consumer.stages().find((s) => s.role.endsWith(`${topic}/0`));
    await until("the slow partition to hold back", () => stage()?.state === "backpressured");
    const chunks = stage()!.counters.chunks ?? 0;
    await until(
      "the slow partition to deliver more and hold back again",
      () => {
        const s = stage();
        return (s?.counters.chunks ?? 0) > chunks && s?.state === "backpressured";
      },
      60_000,
      5,
    );
    const dump = consumer.dumpStages();
    assert.equal(fastTaken, FAST_RECORDS, "the neighbour delivered everything");
    assert.match(
      dump,
      new RegExp(`partitionConsumer +consumer \\d+, ${topic}/0 +backpressured`),
      dump,
    );
    assert.ok(slowTaken < SLOW_RECORDS / 10, `the slow sink took only ${slowTaken}`);
    assert.ok(slow.lag > SLOW_RECORDS / 2, "most of the slow partition is still unread");
    const buffered = consumer.stages().find((s) => s.role.endsWith(`${topic}/0`))!.counters
      .buffered!;
    const o = { partitionBufferBytes: 4 * MiB, maxPartitionBytes: 1 * MiB };
    assert.ok(
      buffered <= o.partitionBufferBytes + o.maxPartitionBytes,
      `slow partition holds ${buffered} bytes`,
    );
    assert.ok(peak - base < MEMORY_BOUND, `memory grew by ${((peak - base) / MiB).toFixed(1)} MiB`);
  } finally {
    clearInterval(sample);
    stopSlow.abort(); // the slow reader gives up: its partition's buffered records are dropped
    await consumer.close();
    await slowPipe;
  }
});
