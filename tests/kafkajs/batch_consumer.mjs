// A KafkaJS batch consumer: eachBatch with resolveOffset, heartbeat, isRunning and isStale,
// three partitions at once, no auto-resolve; then the committed offsets read back by the admin.
import { Kafka, logLevel } from "kafkajs";

const brokers = process.env.BROKERS.split(",");
const [topic] = process.env.TOPICS.split(",");
const expected = Number(process.env.EXPECTED);
const group = process.env.GROUP;
const kafka = new Kafka({ clientId: "batch-app", brokers, logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId: group, heartbeatInterval: 1000 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });

const perPartition = {};
let count = 0;
let resolveAll;
const all = new Promise((r) => (resolveAll = r));
await consumer.run({
  partitionsConsumedConcurrently: 3,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      (perPartition[batch.partition] ??= []).push(Number(message.offset));
      resolveOffset(message.offset);
      await heartbeat();
      count++;
    }
    if (count >= expected) resolveAll();
  },
});
await all;
await consumer.stop();
await consumer.disconnect();

const admin = kafka.admin();
await admin.connect();
const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
await admin.disconnect();
const inOrder = Object.values(perPartition).every((offs) =>
  offs.every((o, i) => i === 0 || o > offs[i - 1])
);
console.log(JSON.stringify({
  result: "batch",
  count,
  inOrder,
  partitions: Object.keys(perPartition).map(Number).sort(),
  committed: committed[0].partitions.map((p) => ({ partition: p.partition, offset: p.offset })),
}));
