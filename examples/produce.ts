// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's producer in two ways: `send()` for a few records whose partition and offset you want
 * back, and the `writable` stream for many records at full speed.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 deno run -A examples/produce.ts
 *   KAFKA_BROKERS=127.0.0.1:9092 bun examples/produce.ts
 *
 * KAFKA_TOPIC names the topic (default: kanal-example); a broker with auto.create.topics.enable
 * (Kafka's default) creates it on first use. Read the records back with
 * `kcat -C -b 127.0.0.1:9092 -t kanal-example -e -f '%p %o %k %s %h\n'`.
 *
 * @module
 */

import { Client, Producer, type ProducerRecord } from "../mod.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const brokers = env?.KAFKA_BROKERS ?? "127.0.0.1:9092";
const topic = env?.KAFKA_TOPIC ?? "kanal-example";

// `await using` closes what it holds when this module ends, even on an error, in reverse order:
// first the producer (which delivers what it still buffers), then the client.
await using client = await Client.connect({ brokers, clientId: "kanal-example" });
// The defaults are the safe ones: acks "all" and idempotence, so a retry never writes a record
// twice or out of order. lingerMs lets the stream below fill bigger batches.
await using producer = new Producer(client, { lingerMs: 10, compression: "lz4" });

// 1. send(): resolves once the records are delivered, with one report per record. Records with
// the same key go to the same partition (Java's murmur2 placement), so both orders of
// customer-1 land on one partition, in the order sent.
const orders: ProducerRecord[] = [
  { topic, key: "customer-1", value: '{"order":1,"total":42}', headers: { source: "example" } },
  { topic, key: "customer-2", value: '{"order":2,"total":7}', headers: { source: "example" } },
  { topic, key: "customer-1", value: '{"order":3,"total":19}', headers: { source: "example" } },
];
const reports = await producer.send(orders);
for (const [i, report] of reports.entries()) {
  // An array send does not throw for one failed record: each report carries its own error.
  if (report.error) throw report.error;
  console.log(
    `sent ${orders[i]!.key} to partition ${report.partition} at offset ${report.offset}`,
  );
}

// 2. writable: for many records, write arrays (one write per thousand records, not one per
// record) and do not wait for each delivery. A write resolves once its records are buffered;
// when the buffer is full it waits, which is the stream's backpressure.
const started = Date.now();
const writer = producer.writable.getWriter();
for (let i = 0; i < 10_000; i += 1000) {
  const readings: ProducerRecord[] = [];
  for (let n = i; n < i + 1000; n++) {
    readings.push({ topic, key: `sensor-${n % 10}`, value: `reading ${n}` });
  }
  await writer.write(readings);
}
writer.releaseLock();
// flush() sends what waits for lingerMs now and resolves once all of it is delivered; it
// throws a ProduceError naming the failures if any record written above was not.
await producer.flush();
console.log(`streamed 10000 records to ${topic} in ${Date.now() - started} ms`);
