// deno-lint-ignore-file require-await -- KafkaJS handlers are async functions, as its users write them
// A KafkaJS consumer, as in KafkaJS's README: subscribe from the beginning, run eachMessage,
// stop after the expected number of messages, and print them in a stable order.
import { Kafka, logLevel } from "kafkajs";

const brokers = process.env.BROKERS.split(",");
const topics = process.env.TOPICS.split(",");
const expected = Number(process.env.EXPECTED);
const kafka = new Kafka({ clientId: "my-app", brokers, logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId: process.env.GROUP, heartbeatInterval: 1000 });

await consumer.connect();
await consumer.subscribe({ topics, fromBeginning: true });

const seen = [];
let resolveAll;
const all = new Promise((r) => (resolveAll = r));
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const headers = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) {
      headers[k] = Array.isArray(v) ? v.map((x) => x.toString()) : v?.toString();
    }
    seen.push({
      topic: topics.indexOf(topic),
      partition,
      offset: message.offset,
      key: message.key === null ? null : message.key.toString("hex"),
      value: message.value?.toString(),
      timestamp: typeof message.timestamp,
      headers,
    });
    if (seen.length >= expected) resolveAll();
  },
});
await all;
await consumer.disconnect();
seen.sort((a, b) =>
  a.topic - b.topic || a.partition - b.partition || Number(a.offset) - Number(b.offset)
);
console.log(JSON.stringify({ result: "messages", count: seen.length, messages: seen }));
