// Shared by the Node peer scripts: flags, the fixed payload, the send pipeline and the one
// JSON line each script prints. Plain Node ESM, no TypeScript, so `node script.mjs` runs it.
import { parseArgs } from "node:util";

/** The shared workload's producer settings, mapped onto each peer in ../README.md. */
export const LINGER_MS = 5;
export const BATCH_BYTES = 1_000_000;
// KafkaJS and platformatic have no linger and no batch size: the application hands them
// arrays. Each send carries SEND_RECORDS records (~100 KB, about 17 KB per partition, near
// the Java producer's default 16 KiB batch), and SEND_IN_FLIGHT sends are kept going at once,
// the max.in.flight of the clients that pipeline for themselves.
export const SEND_RECORDS = 1000;
export const SEND_IN_FLIGHT = 5;

/**
 * Reads --brokers --topic --records --size (plus --batch and --inflight for the peers that
 * batch in the application). KAFKA_BROKERS is the default broker list.
 */
export function options() {
  const { values } = parseArgs({
    options: {
      brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092" },
      topic: { type: "string" },
      records: { type: "string", default: "1000000" },
      size: { type: "string", default: "100" },
      batch: { type: "string", default: String(SEND_RECORDS) },
      inflight: { type: "string", default: String(SEND_IN_FLIGHT) },
      group: { type: "string" },
    },
  });
  const o = {
    brokers: values.brokers.split(",").map((b) => b.trim()).filter((b) => b !== ""),
    topic: values.topic ?? "",
    records: Number(values.records),
    size: Number(values.size),
    batch: Number(values.batch),
    inflight: Number(values.inflight),
    group: values.group ?? `bench-${process.pid}-${Date.now()}`,
  };
  if (o.topic === "") fail("--topic is required");
  for (const k of ["records", "batch", "inflight"]) {
    if (!Number.isSafeInteger(o[k]) || o[k] <= 0) fail(`--${k} must be a positive integer`);
  }
  if (!Number.isSafeInteger(o.size) || o.size < 0) fail("--size must be a whole number");
  return o;
}

/**
 * The same `size` bytes for every record, client and run: a xorshift32 stream from a fixed
 * seed (the Go peers use the same one), so no client gets an easier payload.
 */
export function fixedValue(size) {
  const v = Buffer.alloc(size);
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
 * Sends `records` records in sends of `batch`, keeping `inflight` sends outstanding, and
 * resolves when every send has resolved. `send(n)` must send n records and return a promise.
 */
export function pipelinedSends(records, batch, inflight, send) {
  return new Promise((resolve, reject) => {
    let queued = 0;
    let running = 0;
    let failed = false;
    const next = () => {
      if (failed) return;
      while (running < inflight && queued < records) {
        const n = Math.min(batch, records - queued);
        queued += n;
        running++;
        send(n).then(() => {
          running--;
          if (queued === records && running === 0) resolve();
          else next();
        }, (err) => {
          failed = true;
          reject(err);
        });
      }
    };
    next();
  });
}

/** Prints the one result line the runner parses. */
export function report(client, op, records, size, seconds) {
  const line = { client, runtime: "node", op, records, bytes: records * size, seconds };
  process.stdout.write(JSON.stringify(line) + "\n");
}

/** Reports a failure on stderr and exits non-zero, so the runner shows the peer as failed. */
export function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Seconds since `t0` (from performance.now()). */
export function since(t0) {
  return (performance.now() - t0) / 1000;
}

/** A KafkaJS-style logCreator that writes to stderr: stdout carries only the result line. */
export function stderrLog() {
  return ({ namespace, log }) => {
    process.stderr.write(`${namespace}: ${log.message}${log.error ? ` (${log.error})` : ""}\n`);
  };
}
