// @platformatic/kafka consumer: consume() needs a group, so each run uses a fresh one, reads
// from the earliest offset and commits nothing. Records arrive through its MessagesStream (a
// Node Readable in object mode), the client's one way to stream. Fetch sizes and the stream's
// highWaterMark are its defaults (50 MB per fetch, 1024 messages).
import "./_node20.mjs";
import { Consumer } from "@platformatic/kafka";
import { fail, options, report, since } from "./_common.mjs";

const o = options();
const consumer = new Consumer({
  clientId: "bench-platformatic",
  bootstrapBrokers: o.brokers,
  groupId: o.group,
  autocommit: false,
});

try {
  // consume() resolves once the group is joined; the clock starts then.
  const stream = await consumer.consume({
    topics: [o.topic],
    mode: "earliest",
    fallbackMode: "earliest",
    autocommit: false,
  });
  const t0 = performance.now();
  let count = 0;
  let bytes = 0;
  const seconds = await new Promise((resolve, reject) => {
    stream.on("error", reject);
    stream.on("data", (m) => {
      bytes += m.value.length;
      if (++count === o.records) resolve(since(t0));
    });
  });
  await stream.close();
  await consumer.close(true);
  if (bytes < o.records * o.size) fail(`platformatic consume: only ${bytes} value bytes`);
  report("platformatic", "consume", o.records, o.size, seconds);
} catch (err) {
  fail(`platformatic consume: ${err?.stack ?? err}`);
}
