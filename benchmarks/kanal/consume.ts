// Copyright 2026 the kanal authors. MIT license.
// Benchmark client: runtime APIs allowed (node:fs, node:process, node:util), so Deno and Bun both
// run it.
/**
 * kanal's consumer as a benchmark client, in the shape every client of `../_runner.ts` has:
 * reads `--records` records of `--topic` from the oldest offset, touching each record's value
 * length so the work is real, and prints one JSON line with the wall seconds from the start of
 * reading to the last record.
 *
 * `--api topic` (the default) reads `consumer.topic()`, every partition merged into one stream,
 * as an application would; `--api partitions` reads one `consumer.partition()` stream per
 * partition, each in its own loop, which leaves out the merge. Consumer options are kanal's
 * defaults (1 MiB per partition per fetch, 16 MiB per fetch, 4 MiB buffered per partition,
 * CRC checked); `--buffer-bytes N` sets `partitionBufferBytes`, for memory trials.
 *
 * The clock starts just before `consumer.topic()` (or the first `consumer.partition()`), after
 * `Client.connect` has loaded the cluster's metadata: it includes the one metadata round trip
 * of `topic()` and the ListOffsets that resolves `"oldest"`, a few milliseconds on a local
 * broker (the time to the first chunk is logged on stderr), then every fetch. It stops when the
 * last record is counted.
 *
 * With `--memory`, the process's memory is sampled every 20 ms while reading and summarized on
 * stderr (peak RSS from the kernel's VmHWM where `/proc` exists, peak JS heap, peak array
 * buffers); sampling is off by default so the measured run has no timer in it.
 *
 *   deno run -A benchmarks/kanal/consume.ts --brokers 127.0.0.1:9092 --topic t --records 1000000
 *   bun benchmarks/kanal/consume.ts --brokers 127.0.0.1:9092 --topic t --records 1000000
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";
import { Client } from "../../lib/client/client.ts";
import { Consumer } from "../../lib/consumer/consumer.ts";
import type { RecordChunk } from "../../lib/consumer/record_chunk.ts";

/** The options of one run. */
interface Options {
  brokers: string;
  topic: string;
  records: number;
  size: number;
  api: "topic" | "partitions";
  memory: boolean;
  /** `partitionBufferBytes`, when given; kanal's default otherwise. */
  bufferBytes: number | undefined;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092" },
      topic: { type: "string" },
      records: { type: "string", default: "1000000" },
      size: { type: "string", default: "100" },
      api: { type: "string", default: "topic" },
      memory: { type: "boolean", default: false },
      "buffer-bytes": { type: "string" },
    },
  });
  const count = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new RangeError(
        `Cannot run as --${name} must be a whole number from ${min}: current value is ${v}`,
      );
    }
    return n;
  };
  if (!values.topic) throw new TypeError("Cannot run as --topic is required");
  if (values.api !== "topic" && values.api !== "partitions") {
    throw new TypeError(
      `Cannot run as --api must be topic or partitions: current value is ${values.api}`,
    );
  }
  return {
    brokers: values.brokers,
    topic: values.topic,
    records: count("records", values.records, 1),
    size: count("size", values.size, 0),
    api: values.api,
    memory: values.memory,
    bufferBytes: values["buffer-bytes"] === undefined
      ? undefined
      : count("buffer-bytes", values["buffer-bytes"], 1),
  };
}

function runtimeName(): string {
  return process.versions.deno ? "deno" : process.versions.bun ? "bun" : "node";
}

/** A `/proc/self/status` field in bytes (e.g. VmHWM, the peak RSS), or -1 without `/proc`. */
function procStatusBytes(field: string): number {
  try {
    const m = readFileSync("/proc/self/status", "utf8").match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, "m"),
    );
    return m ? Number(m[1]) * 1024 : -1;
  } catch {
    return -1;
  }
}

/** Peaks of `process.memoryUsage()` over periodic samples. */
class MemorySampler {
  rss = 0;
  heapUsed = 0;
  arrayBuffers = 0;
  external = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  start(everyMs: number): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    if (m.heapUsed > this.heapUsed) this.heapUsed = m.heapUsed;
    if (m.arrayBuffers > this.arrayBuffers) this.arrayBuffers = m.arrayBuffers;
    if (m.external > this.external) this.external = m.external;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.sample();
  }
}

const mb = (n: number): string => n < 0 ? "n/a" : `${(n / 2 ** 20).toFixed(1)} MiB`;

/**
 * Counts one chunk: its records and the length of each value, so every record is looked at.
 * A function of its own: Bun leaves a module's top-level loop less optimized.
 */
function tally(chunk: RecordChunk, totals: { records: number; bytes: number }): void {
  const records = chunk.records;
  let bytes = 0;
  for (let i = 0; i < records.length; i++) bytes += records[i]!.value?.length ?? 0;
  totals.records += records.length;
  totals.bytes += bytes;
}

const o = options(process.argv.slice(2));
const log = (s: string) => process.stderr.write(`${s}\n`);
const client = await Client.connect({
  brokers: o.brokers,
  clientId: "bench-kanal",
  allowAutoTopicCreation: false,
});
// The partition list for `--api partitions`, looked up before the clock starts.
const meta = await client.refreshMetadata([o.topic]);
const partitions = meta.topics.get(o.topic)?.partitions.map((p) => p.partition) ?? [];
if (partitions.length === 0) {
  throw new TypeError(`Cannot consume as the topic is unknown: current value is ${o.topic}`);
}
const consumer = new Consumer(
  client,
  o.bufferBytes === undefined ? {} : { partitionBufferBytes: o.bufferBytes },
);
const rssAfterConnect = procStatusBytes("VmRSS");
const sampler = o.memory ? new MemorySampler() : undefined;
sampler?.start(20);

const totals = { records: 0, bytes: 0 };
let firstChunkMs = -1;
const t0 = performance.now();
if (o.api === "topic") {
  const stream = await consumer.topic(o.topic, { offset: "oldest" });
  for await (const chunk of stream) {
    if (firstChunkMs < 0) firstChunkMs = performance.now() - t0;
    tally(chunk, totals);
    if (totals.records >= o.records) break;
  }
} else {
  const streams = partitions.map((p) => consumer.partition(o.topic, p, { offset: "oldest" }));
  // Each partition in its own loop; the loop that counts the last record ends the race, and
  // closing the consumer below ends the others.
  await Promise.race(streams.map(async (stream) => {
    for await (const chunk of stream) {
      if (firstChunkMs < 0) firstChunkMs = performance.now() - t0;
      tally(chunk, totals);
      if (totals.records >= o.records) break;
    }
  }));
}
const seconds = (performance.now() - t0) / 1000;
sampler?.stop();

await consumer.close();
await client.close();
if (totals.records < o.records) {
  throw new Error(
    `Cannot finish as the streams ended after ${totals.records} of ${o.records} records`,
  );
}
if (totals.bytes < o.records * o.size) {
  throw new Error(
    `Cannot finish as the values held ${totals.bytes} bytes, not ${o.records * o.size}`,
  );
}
log(
  `kanal consume (${runtimeName()}, --api ${o.api}): first chunk after ${
    firstChunkMs.toFixed(1)
  } ms; RSS after connect ${mb(rssAfterConnect)}, peak RSS (VmHWM) ${
    mb(procStatusBytes("VmHWM"))
  }` +
    (sampler
      ? `; sampled peaks: RSS ${mb(sampler.rss)}, JS heap used ${mb(sampler.heapUsed)}, ` +
        `array buffers ${mb(sampler.arrayBuffers)}, external ${mb(sampler.external)}`
      : ""),
);
process.stdout.write(
  JSON.stringify({
    client: "kanal",
    runtime: runtimeName(),
    op: "consume",
    records: totals.records,
    bytes: totals.bytes,
    seconds,
  }) + "\n",
);
