// A KafkaJS admin script: create, list, describe, grow and delete topics; read offsets; set,
// reset and read a group's offsets; describe the cluster.
import { Kafka, logLevel } from "kafkajs";

const brokers = process.env.BROKERS.split(",");
const [topic] = process.env.TOPICS.split(",");
const group = process.env.GROUP;
const kafka = new Kafka({ clientId: "admin-app", brokers, logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();

const created = await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
const again = await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
const listed = (await admin.listTopics()).includes(topic);
const meta = await admin.fetchTopicMetadata({ topics: [topic] });

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [0, 1, 2, 3, 4].map((i) => ({ value: `v${i}`, partition: i % 2 })),
});
await producer.disconnect();

const offsets = await admin.fetchTopicOffsets(topic);
await admin.setOffsets({
  groupId: group,
  topic,
  partitions: [{ partition: 0, offset: "1" }, { partition: 1, offset: "2" }],
});
const set = await admin.fetchOffsets({ groupId: group, topics: [topic] });
await admin.resetOffsets({ groupId: group, topic, earliest: true });
const reset = await admin.fetchOffsets({ groupId: group, topics: [topic] });
const grown = await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
const meta2 = await admin.fetchTopicMetadata({ topics: [topic] });
const cluster = await admin.describeCluster();
await admin.deleteTopics({ topics: [topic] });
await admin.disconnect();

console.log(JSON.stringify({
  result: "admin",
  created,
  again,
  listed,
  partitions: meta.topics[0].partitions.map((p) => p.partitionId).sort(),
  offsets: offsets.map((o) => ({ partition: o.partition, high: o.high, low: o.low })).sort((a, b) =>
    a.partition - b.partition
  ),
  set: set[0].partitions.map((p) => `${p.partition}:${p.offset}`),
  reset: reset[0].partitions.map((p) => `${p.partition}:${p.offset}`),
  grown,
  partitionsAfter: meta2.topics[0].partitions.length,
  brokers: cluster.brokers.length,
  hasClusterId: typeof cluster.clusterId === "string" && cluster.clusterId.length > 0,
}));
