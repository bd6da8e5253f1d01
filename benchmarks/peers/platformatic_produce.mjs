// @platformatic/kafka producer: acks=all, no compression, null keys (its round-robin
// partitioner), idempotence off (its default). It has no linger or batch size of its own, so
// the application batches exactly as for KafkaJS; its connections already pipeline up to 5
// requests (maxInflights). The Promise API is used: its callback API costs the same per send,
// and one send carries a whole batch.
import "./_node20.mjs";
import { Producer } from "@platformatic/kafka";
import { fail, fixedValue, options, pipelinedSends, report, since } from "./_common.mjs";

const o = options();
const value = fixedValue(o.size);
const producer = new Producer({
  clientId: "bench-platformatic",
  bootstrapBrokers: o.brokers,
  acks: -1,
  compression: "none",
  autocreateTopics: false,
});

const send = (n) => {
  const messages = new Array(n);
  for (let i = 0; i < n; i++) messages[i] = { topic: o.topic, value };
  return producer.send({ messages });
};

try {
  // Warm-up, not counted: loads the topic's metadata and opens the leader connection.
  await send(1);
  const t0 = performance.now();
  await pipelinedSends(o.records, o.batch, o.inflight, send);
  const seconds = since(t0);
  await producer.close();
  report("platformatic", "produce", o.records, o.size, seconds);
} catch (err) {
  fail(`platformatic produce: ${err?.stack ?? err}`);
}
