// Confluent's JS client (librdkafka) through its promisified KafkaJS-style API: it reads only
// through a group, so each run joins a fresh one from the earliest offset and commits nothing.
// Records arrive through eachBatch; fetch and batch sizes are the client's defaults, but for
// queued.min.messages, raised as in confluent-rdkafka_consume.mjs (see there).
import { confluent } from "./_confluent.mjs";
import { fail, options, report, since } from "./_common.mjs";

const { Kafka, logLevel } = confluent.KafkaJS;
const { ERR__ASSIGN_PARTITIONS } = confluent.CODES.ERRORS;
const o = options();
const kafka = new Kafka({
  kafkaJS: { clientId: "bench-confluent", brokers: o.brokers, logLevel: logLevel.ERROR },
});
// The clock starts when librdkafka hands over the assignment.
let t0 = 0;
const consumer = kafka.consumer({
  kafkaJS: { groupId: o.group, fromBeginning: true, autoCommit: false },
  "queued.min.messages": 1_000_000,
  rebalance_cb: (err) => {
    if (err.code === ERR__ASSIGN_PARTITIONS && t0 === 0) t0 = performance.now();
  },
});

try {
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic });
  let count = 0;
  let bytes = 0;
  const seconds = await new Promise((resolve, reject) => {
    consumer.run({
      eachBatch: ({ batch }) => {
        for (const m of batch.messages) bytes += m.value.length;
        count += batch.messages.length;
        if (count >= o.records) {
          if (t0 === 0) reject(new Error("the assignment was never seen"));
          resolve(since(t0));
        }
        return Promise.resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  if (bytes < o.records * o.size) fail(`confluent consume: only ${bytes} value bytes`);
  report("confluent", "consume", o.records, o.size, seconds);
} catch (err) {
  fail(`confluent consume: ${err?.stack ?? err}`);
}
