// deno-lint-ignore-file require-await -- KafkaJS handlers are async functions, as its users write them
// A KafkaJS transactional script: one transaction committed, one aborted, one that also commits
// a group's offset; then a (read_committed, KafkaJS's default) consumer reads what is visible
// and the admin reads the group's offset.
import { Kafka, logLevel } from "kafkajs";

const brokers = process.env.BROKERS.split(",");
const [topic] = process.env.TOPICS.split(",");
const group = process.env.GROUP;
const kafka = new Kafka({ clientId: "txn-app", brokers, logLevel: logLevel.ERROR });

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });

const producer = kafka.producer({
  transactionalId: process.env.TXN_ID,
  maxInFlightRequests: 1,
  idempotent: true,
});
await producer.connect();

const committed = await producer.transaction();
await committed.send({ topic, messages: [{ key: "a", value: "c1" }, { key: "b", value: "c2" }] });
await committed.send({ topic, messages: [{ key: "c", value: "c3" }] });
await committed.commit();

const aborted = await producer.transaction();
await aborted.send({ topic, messages: [{ key: "a", value: "x1" }, { key: "b", value: "x2" }] });
await aborted.abort();

const withOffsets = await producer.transaction();
await withOffsets.sendBatch({ topicMessages: [{ topic, messages: [{ key: "d", value: "c4" }] }] });
await withOffsets.sendOffsets({
  consumerGroupId: group,
  topics: [{ topic, partitions: [{ partition: 0, offset: "5" }] }],
});
await withOffsets.commit();
await producer.disconnect();

const consumer = kafka.consumer({ groupId: `${group}-reader`, heartbeatInterval: 1000 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const values = [];
let resolveAll;
const all = new Promise((r) => (resolveAll = r));
await consumer.run({
  eachMessage: async ({ message }) => {
    values.push(message.value.toString());
    if (values.length >= 4) resolveAll();
  },
});
await all;
await consumer.disconnect();

const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
await admin.disconnect();
console.log(JSON.stringify({
  result: "transactions",
  values: values.sort(),
  offset: offsets[0].partitions.find((p) => p.partition === 0).offset,
}));
