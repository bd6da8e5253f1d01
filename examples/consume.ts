// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's consumer: read a whole topic from its first record, print each record, and stop once
 * every partition has been read to its end.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 deno run -A examples/consume.ts orders
 *   KAFKA_BROKERS=127.0.0.1:9092 bun examples/consume.ts orders
 *
 * The topic is the first argument (default: kanal-example, which examples/produce.ts fills).
 *
 * @module
 */

import { Client, Consumer } from "../mod.ts";

const runtime = globalThis as {
  Deno?: { args: string[] };
  process?: { argv: string[]; env: Record<string, string | undefined> };
};
const brokers = runtime.process?.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
const topic = (runtime.Deno?.args ?? runtime.process?.argv.slice(2) ?? [])[0] ?? "kanal-example";

// `await using` closes what it holds when this module ends, even on an error, in reverse order:
// first the consumer (which stops fetching and ends its streams), then the client.
// A reader should not create the topic it asks about, as Kafka's clients do by default.
await using client = await Client.connect({
  brokers,
  clientId: "kanal-example",
  allowAutoTopicCreation: false,
});
await using consumer = new Consumer(client);

// Every partition of the topic, merged into one stream of chunks. A chunk holds the records of
// one partition from one fetch, in offset order; chunks of different partitions interleave.
const stream = await consumer.topic(topic, { offset: "oldest" });

// A partition is read to its end once its position (the offset of the next record it will hand
// out) reaches its high watermark (the offset the next produced record will get). Both are
// known after the partition's first fetch; until then highWatermark is -1. Closing a partition
// stops its fetches but still delivers what it has fetched, and the merged stream ends once
// every partition is closed: that ends the loop below.
const closeFinished = (): void => {
  for (const p of stream.partitions) {
    if (p.highWatermark >= 0 && p.position >= p.highWatermark) p.close();
  }
};
// An empty partition never brings a chunk to check it on, so look now and then as well.
const timer = setInterval(closeFinished, 100);

const decoder = new TextDecoder();
// Keys, values and header values are bytes (views into the fetched data), or null.
const text = (bytes: Uint8Array | null): string =>
  bytes === null ? "(null)" : decoder.decode(bytes);

let count = 0;
try {
  for await (const chunk of stream) {
    for (const r of chunk.records) {
      const headers = r.headers.map((h) => `${h.key}=${text(h.value)}`).join(",");
      console.log(
        `${chunk.topic}/${chunk.partition}@${r.offset} ${text(r.key)}: ${text(r.value)}` +
          (headers ? ` [${headers}]` : ""),
      );
    }
    count += chunk.records.length;
    closeFinished();
  }
} finally {
  clearInterval(timer);
}
console.log(`read ${count} records from ${topic}`);
