// KafkaJS consumer: KafkaJS only reads through a group, so each run joins a fresh group and
// starts from the beginning; no offsets are committed. Records arrive through eachBatch, the
// cheaper of its two callbacks. Fetch sizes are KafkaJS's defaults (1 MiB per partition).
import kafkajs from "kafkajs";
import { fail, options, report, since, stderrLog } from "./_common.mjs";

const { Kafka, logLevel } = kafkajs;
const o = options();
const kafka = new Kafka({
  clientId: "bench-kafkajs",
  brokers: o.brokers,
  logLevel: logLevel.ERROR,
  logCreator: stderrLog,
});
const consumer = kafka.consumer({ groupId: o.group });

try {
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  // The clock starts once the group is joined and the partitions are assigned.
  let t0 = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    t0 = performance.now();
  });
  let count = 0;
  let bytes = 0;
  const seconds = await new Promise((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        for (const m of batch.messages) bytes += m.value.length;
        count += batch.messages.length;
        if (count >= o.records) resolve(since(t0));
        return Promise.resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  if (bytes < o.records * o.size) fail(`kafkajs consume: only ${bytes} value bytes`);
  report("kafkajs", "consume", o.records, o.size, seconds);
} catch (err) {
  fail(`kafkajs consume: ${err?.stack ?? err}`);
}
