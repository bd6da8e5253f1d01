// Confluent's JS client through its node-rdkafka-style API (`KafkaConsumer`): the partitions
// are assigned directly from offset 0 (librdkafka still wants a group.id, a fresh one, but no
// group is joined and nothing is committed), and records are pulled with consume(n) in
// batches of up to 1000. Fetch sizes are librdkafka's defaults, but for queued.min.messages,
// raised to 1,000,000 as librdkafka's own rdkafka_performance does: at the default 100,000 the
// fetcher pauses for fetch.queue.backoff.ms (1 s) whenever its queue is full, that is, whenever
// the application reads slower than it fetches, which halves the rate of every Node reader.
import { confluent } from "./_confluent.mjs";
import { fail, options, report, since } from "./_common.mjs";

const { KafkaConsumer } = confluent;
const o = options();
const BATCH = 1000;
const consumer = new KafkaConsumer({
  "metadata.broker.list": o.brokers.join(","),
  "client.id": "bench-confluent-rdkafka",
  "group.id": o.group,
  "enable.auto.commit": false,
  "queued.min.messages": 1_000_000,
}, { "auto.offset.reset": "earliest" });

const connect = () =>
  new Promise((resolve, reject) => {
    consumer.connect({ topic: o.topic, allTopics: false }, (err, metadata) => {
      if (err) reject(err);
      else resolve(metadata);
    });
  });

const consume = () =>
  new Promise((resolve, reject) => {
    consumer.consume(BATCH, (err, messages) => err ? reject(err) : resolve(messages));
  });

try {
  const metadata = await connect();
  const t = metadata.topics.find((x) => x.name === o.topic);
  if (!t || t.partitions.length === 0) throw new Error(`no metadata for ${o.topic}`);
  const t0 = performance.now();
  consumer.assign(t.partitions.map((p) => ({ topic: o.topic, partition: p.id, offset: 0 })));
  let count = 0;
  let bytes = 0;
  while (count < o.records) {
    const messages = await consume();
    for (const m of messages) bytes += m.value.length;
    count += messages.length;
  }
  const seconds = since(t0);
  await new Promise((resolve) => consumer.disconnect(resolve));
  if (bytes < o.records * o.size) fail(`confluent-rdkafka consume: only ${bytes} value bytes`);
  report("confluent-rdkafka", "consume", o.records, o.size, seconds);
} catch (err) {
  fail(`confluent-rdkafka consume: ${err?.stack ?? err}`);
}
