// KafkaJS producer: acks=all, no compression, null keys, application-side batches (KafkaJS
// has no linger or batch size), idempotence off (KafkaJS's default; it marks it experimental).
import kafkajs from "kafkajs";
import { fail, fixedValue, options, pipelinedSends, report, since, stderrLog } from "./_common.mjs";

const { Kafka, logLevel, CompressionTypes } = kafkajs;
const o = options();
const value = fixedValue(o.size);
const kafka = new Kafka({
  clientId: "bench-kafkajs",
  brokers: o.brokers,
  logLevel: logLevel.ERROR,
  logCreator: stderrLog,
});
const producer = kafka.producer({ allowAutoTopicCreation: false });

const send = (n) => {
  const messages = new Array(n);
  for (let i = 0; i < n; i++) messages[i] = { value };
  return producer.send({ topic: o.topic, acks: -1, compression: CompressionTypes.None, messages });
};

try {
  await producer.connect();
  // Warm-up, not counted: loads the topic's metadata and opens the leader connection.
  await send(1);
  const t0 = performance.now();
  await pipelinedSends(o.records, o.batch, o.inflight, send);
  const seconds = since(t0);
  await producer.disconnect();
  report("kafkajs", "produce", o.records, o.size, seconds);
} catch (err) {
  fail(`kafkajs produce: ${err?.stack ?? err}`);
}
