// Copyright 2026 the kanal authors. MIT license.
// Benchmark client: runtime APIs allowed (node:process, node:util), so Deno and Bun both run it.
/**
 * kanal's producer as a benchmark client, in the shape every client of `../_runner.ts` has:
 * writes `--records` records of `--size` bytes (null keys, one fixed value, the peers' bytes)
 * into `--topic` through `producer.writable`, in arrays of `--batch` records (1000), then
 * `flush()`es, and prints one JSON line with the wall seconds of that part alone.
 *
 * Producer settings: acks `all`, `lingerMs` 5, `batchBytes` 1,000,000, no compression, the
 * default partitioner (sticky for keyless records), idempotent unless `--idempotent false`.
 * With `--transaction-ms D`, transactional (id `bench-kanal-<topic>`): a transaction is committed
 * once it has been open D ms (at the next write) and at the end, as Java's ProducerPerformance
 * does with `--transaction-duration-ms`.
 *
 *   deno run -A benchmarks/kanal/produce.ts --brokers 127.0.0.1:9092 --topic t --records 1000000
 *   bun benchmarks/kanal/produce.ts --brokers 127.0.0.1:9092 --topic t --records 1000000
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { Client } from "../../lib/client/client.ts";
import { Producer } from "../../lib/producer/producer.ts";
import type { ProducerRecord } from "../../lib/producer/producer_record.ts";

/** The shared workload's settings, as in `../peers/_common.mjs`. */
const LINGER_MS = 5;
const BATCH_BYTES = 1_000_000;

/** The options of one run. */
interface Options {
  brokers: string;
  topic: string;
  records: number;
  size: number;
  batch: number;
  idempotent: boolean;
  /** Commit every this many ms (0: not transactional). */
  transactionMs: number;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092" },
      topic: { type: "string" },
      records: { type: "string", default: "1000000" },
      size: { type: "string", default: "100" },
      batch: { type: "string", default: "1000" },
      idempotent: { type: "string", default: "true" },
      "transaction-ms": { type: "string", default: "0" },
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
  if (values.idempotent !== "true" && values.idempotent !== "false") {
    throw new TypeError(
      `Cannot run as --idempotent must be true or false: current value is ${values.idempotent}`,
    );
  }
  return {
    brokers: values.brokers,
    topic: values.topic,
    records: count("records", values.records, 1),
    size: count("size", values.size, 0),
    batch: count("batch", values.batch, 1),
    idempotent: values.idempotent === "true",
    transactionMs: count("transaction-ms", values["transaction-ms"], 0),
  };
}

/**
 * The same bytes as the Node and Go peers send: a xorshift32 stream from a fixed seed, so no
 * client gets an easier payload.
 */
function fixedValue(size: number): Uint8Array {
  const v = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    v[i] = x & 0xff;
  }
  return v;
}

/**
 * Fresh record objects for one write, as an application makes them (the Node peers do the
 * same). A function of its own: Bun leaves a module's top-level loop less optimized.
 */
function records(n: number, topic: string, value: Uint8Array): ProducerRecord[] {
  const chunk = new Array<ProducerRecord>(n);
  for (let i = 0; i < n; i++) chunk[i] = { topic, value };
  return chunk;
}

function runtimeName(): string {
  return process.versions.deno ? "deno" : process.versions.bun ? "bun" : "node";
}

const o = options(process.argv.slice(2));
const value = fixedValue(o.size);
const client = await Client.connect({ brokers: o.brokers, clientId: "bench-kanal" });
const producer = new Producer(client, {
  acks: "all",
  lingerMs: LINGER_MS,
  batchBytes: BATCH_BYTES,
  compression: "none",
  idempotent: o.idempotent,
  ...(o.transactionMs > 0 ? { transactionalId: `bench-kanal-${o.topic}` } : {}),
});
const txn = o.transactionMs > 0;

// Warm-up, not counted, as for the Node peers: gets the producer id, loads the topic's
// metadata and opens the leader's produce connection (and, transactional, its first commit).
if (txn) await producer.beginTransaction();
await producer.send({ topic: o.topic, value });
if (txn) {
  await producer.commitTransaction();
  await producer.beginTransaction();
}
let txnStart = performance.now();
let transactions = 0;

const t0 = performance.now();
const writer = producer.writable.getWriter();
let last: Promise<void> = Promise.resolve();
for (let sent = 0; sent < o.records;) {
  const n = Math.min(o.batch, o.records - sent);
  const chunk = records(n, o.topic, value);
  sent += n;
  // The streams way: wait for room (the producer's backpressure), then write without waiting.
  await writer.ready;
  last = writer.write(chunk);
  last.catch(() => {}); // a failed write also errors the stream, so `ready` rejects
  if (txn && performance.now() - txnStart >= o.transactionMs) {
    await last; // the commit flushes what was accepted: the write must be accepted first
    await producer.commitTransaction();
    transactions++;
    await producer.beginTransaction();
    txnStart = performance.now();
  }
}
// flush() waits for what the producer has accepted: a write still queued in the stream is
// not accepted yet, and writes are accepted in order.
await last;
writer.releaseLock();
if (txn) {
  await producer.commitTransaction();
  transactions++;
} else await producer.flush();
const seconds = (performance.now() - t0) / 1000;

await producer.close();
await client.close();
process.stdout.write(
  JSON.stringify({
    client: "kanal",
    runtime: runtimeName(),
    op: "produce",
    records: o.records,
    bytes: o.records * o.size,
    seconds,
    ...(txn ? { transactions } : {}),
  }) + "\n",
);
