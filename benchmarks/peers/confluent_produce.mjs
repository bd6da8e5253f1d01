// Confluent's JS client (librdkafka) through its promisified KafkaJS-style API, the one its
// README recommends. librdkafka batches by itself, so it gets the shared linger (5 ms) and
// batch cap (1,000,000 bytes); acks=all, no compression, null keys (its default partitioner),
// idempotence off (librdkafka's default). The application sends the same batches as for
// KafkaJS: with this API every record still gets its own promise and delivery report.
import { confluent } from "./_confluent.mjs";
import {
  BATCH_BYTES,
  fail,
  fixedValue,
  LINGER_MS,
  options,
  pipelinedSends,
  report,
  since,
} from "./_common.mjs";

const { Kafka, logLevel } = confluent.KafkaJS;
const o = options();
const value = fixedValue(o.size);
const kafka = new Kafka({
  kafkaJS: { clientId: "bench-confluent", brokers: o.brokers, logLevel: logLevel.ERROR },
});
const producer = kafka.producer({
  kafkaJS: { acks: -1, idempotent: false, allowAutoTopicCreation: false },
  "linger.ms": LINGER_MS,
  "batch.size": BATCH_BYTES,
  "compression.codec": "none",
});

const send = (n) => {
  const messages = new Array(n);
  for (let i = 0; i < n; i++) messages[i] = { value };
  return producer.send({ topic: o.topic, messages });
};

try {
  await producer.connect();
  // Warm-up, not counted: loads the topic's metadata and opens the leader connection.
  await send(1);
  const t0 = performance.now();
  await pipelinedSends(o.records, o.batch, o.inflight, send);
  const seconds = since(t0);
  await producer.disconnect();
  report("confluent", "produce", o.records, o.size, seconds);
} catch (err) {
  fail(`confluent produce: ${err?.stack ?? err}`);
}
