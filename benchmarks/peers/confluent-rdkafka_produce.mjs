// Confluent's JS client through its node-rdkafka-style API (`Producer`): produce() per record
// into librdkafka's queue, delivery reports as events, polled every 10 ms. The KafkaJS-style
// API (confluent_produce.mjs) adds a promise per record on top; this is the lower path the
// client also documents. Same settings: acks=all, linger 5 ms, batch cap 1,000,000 bytes, no
// compression, null keys, idempotence off (librdkafka's default).
import { confluent } from "./_confluent.mjs";
import { BATCH_BYTES, fail, fixedValue, LINGER_MS, options, report, since } from "./_common.mjs";

const { Producer, CODES } = confluent;
const o = options();
const value = fixedValue(o.size);
const producer = new Producer({
  "metadata.broker.list": o.brokers.join(","),
  "client.id": "bench-confluent-rdkafka",
  "acks": "all",
  "linger.ms": LINGER_MS,
  "batch.size": BATCH_BYTES,
  "compression.codec": "none",
  "enable.idempotence": false,
  "dr_cb": true,
});

let delivered = 0;
let failed = 0;
let firstError;
let onDelivered = () => {};
producer.on("delivery-report", (err) => {
  if (err) {
    failed++;
    firstError ??= err;
  }
  delivered++;
  onDelivered();
});

const connect = () =>
  new Promise((resolve, reject) => {
    producer.once("ready", resolve);
    producer.once("connection.failure", reject);
    producer.connect({ topic: o.topic, allTopics: false });
  });

// Yields to the event loop until `n` reports have come in (or the queue has room again).
const deliveredUpTo = (n) =>
  new Promise((resolve) => {
    if (delivered >= n) return resolve();
    onDelivered = () => {
      if (delivered >= n) {
        onDelivered = () => {};
        resolve();
      }
    };
  });

try {
  await connect();
  producer.setPollInterval(10);
  // Warm-up, not counted: the topic's metadata and the leader connection.
  producer.produce(o.topic, null, value, null);
  await deliveredUpTo(1);
  const base = delivered;
  const t0 = performance.now();
  for (let i = 0; i < o.records;) {
    try {
      producer.produce(o.topic, null, value, null);
      i++;
    } catch (err) {
      if (err.code !== CODES.ERRORS.ERR__QUEUE_FULL) throw err;
      // librdkafka's queue is full: let delivery reports drain a tenth of it, then go on.
      producer.poll();
      await deliveredUpTo(base + i - 90_000);
    }
  }
  await deliveredUpTo(base + o.records);
  const seconds = since(t0);
  if (failed > 0) throw new Error(`${failed} records failed, first: ${firstError}`);
  await new Promise((resolve) => producer.disconnect(resolve));
  report("confluent-rdkafka", "produce", o.records, o.size, seconds);
} catch (err) {
  fail(`confluent-rdkafka produce: ${err?.stack ?? err}`);
}
