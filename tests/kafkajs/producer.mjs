// A KafkaJS producer, as in KafkaJS's README and typical scripts: create the topics, send
// KafkaJS's hello message, keyed messages with headers to one topic, then a batch to two
// topics, and print what the broker acknowledged.
import { CompressionTypes, Kafka, logLevel } from "kafkajs";

const brokers = process.env.BROKERS.split(",");
const [topicA, topicB, topicC] = process.env.TOPICS.split(",");
const kafka = new Kafka({ clientId: "my-app", brokers, logLevel: logLevel.ERROR });

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  topics: [
    { topic: topicA, numPartitions: 3, replicationFactor: 1 },
    { topic: topicB, numPartitions: 2, replicationFactor: 1 },
    // One partition: where a keyless message goes is random (KafkaJS's round robin starts at a
    // random partition), so it gets a topic where that cannot show.
    { topic: topicC, numPartitions: 1, replicationFactor: 1 },
  ],
});
await admin.disconnect();

const producer = kafka.producer();
await producer.connect();
const first = await producer.send({
  topic: topicC,
  messages: [{ value: "Hello KafkaJS user!" }],
});
console.log(JSON.stringify({ result: "first", partitions: first.length }));

const keyed = await producer.send({
  topic: topicA,
  compression: CompressionTypes.GZIP,
  messages: Array.from({ length: 30 }, (_, i) => ({
    key: `user-${i % 7}`,
    value: JSON.stringify({ n: i }),
    headers: { "correlation-id": `c-${i}`, kind: i % 2 === 0 ? "even" : ["odd", "number"] },
    timestamp: String(1_700_000_000_000 + i),
  })),
});
console.log(JSON.stringify({
  result: "keyed",
  acks: keyed.map((r) => ({
    topicName: r.topicName === topicA ? "A" : r.topicName,
    partition: r.partition,
    errorCode: r.errorCode,
  }))
    .sort((a, b) => a.partition - b.partition),
}));

const batch = await producer.sendBatch({
  topicMessages: [
    { topic: topicA, messages: [{ key: "user-1", value: "a-batch" }] },
    {
      topic: topicB,
      messages: [{ key: "k1", value: "b1" }, { key: "k2", value: "b2" }, {
        key: Buffer.from([0, 1, 2]),
        value: Buffer.from("bytes"),
      }],
    },
  ],
});
console.log(JSON.stringify({
  result: "batch",
  topics: [...new Set(batch.map((r) => r.topicName === topicA ? "A" : "B"))].sort(),
}));
await producer.disconnect();
