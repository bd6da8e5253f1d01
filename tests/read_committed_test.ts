// Copyright 2026 the kanal authors. MIT license.
// The consumer's isolation levels against real transactions: Kafka's Java client writes
// committed and aborted transactions that interleave (tests/java/TxnProducer.java), and kanal
// must show what kcat (librdkafka) shows, at the offsets the Java producer was given, without
// control records, and must move past the trailing transaction markers.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import process from "node:process";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Consumer } from "../lib/consumer/consumer.ts";
import type { ConsumerOptions } from "../lib/consumer/consumer_options.ts";
import type { PartitionConsumer } from "../lib/consumer/partition_consumer.ts";
import type { RecordChunk } from "../lib/consumer/record_chunk.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat, run, uniqueTopic } from "./_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const HARNESS = process.env.KAFKA_HARNESS_DIR ?? `${ROOT}.kafka-harness`;
const VERSION = process.env.KAFKA_VERSION ?? "4.2.2";
const LIB = `${HARNESS}/lib-${VERSION}`;
const JAVA = process.env.JAVA ?? "java";

/** What the Java producer wrote: each record's value and offset, and the partition's end. */
interface Written {
  topic: string;
  /** `offset value` for every data record, in log order. */
  all: string[];
  /** The same for the committed transactions (A and C) only. */
  committed: string[];
  /** The high watermark after both producers finished. */
  end: number;
}

let written: Promise<Written> | undefined;

/** Creates the topic and runs the Java producer once for the whole file. */
function transactions(): Promise<Written> {
  return written ??= (async () => {
    await requireBroker();
    if (!existsSync(`${LIB}/kafka-clients-${VERSION}.jar`)) {
      throw new Error(
        `No kafka-clients-${VERSION}.jar in ${LIB}: fetch the jars with \`scripts/kafka.sh jars\``,
      );
    }
    const topic = uniqueTopic("read-committed");
    {
      await using client = await Client.connect({ brokers: brokerList() });
      await new Admin(client).createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    }
    const java = await run(JAVA, [
      `-Dlog4j2.configurationFile=${HARNESS}/log4j2.properties`,
      "-Djava.net.preferIPv4Stack=true",
      "-XX:TieredStopAtLevel=1",
      "-cp",
      `${LIB}/*`,
      `${ROOT}tests/java/TxnProducer.java`,
      brokerList(),
      topic,
    ], { timeoutMs: 120_000 }).catch((e: Error) => {
      if (!e.message.startsWith("cannot run")) throw e;
      throw new Error(`${e.message}: Java 17 is needed for this test (set JAVA to point at it)`);
    });
    const out = new TextDecoder().decode(java.stdout);
    assert.equal(java.code, 0, `TxnProducer failed:\n${out}\n${java.stderr}`);
    assert.match(out, /^done$/m, `TxnProducer did not finish:\n${out}\n${java.stderr}`);
    const all: string[] = [];
    let end = -1;
    let stable = -1;
    for (const line of out.split("\n")) {
      const [kind, a, b] = line.split(" ");
      if (kind === "record") all.push(`${b} ${a}`);
      else if (kind === "end") end = Number(a);
      else if (kind === "stable") stable = Number(a);
    }
    assert.ok(end > 0, `TxnProducer printed no end offset:\n${out}`);
    // By offset, the records must lie in the log in the order the program means to write them.
    all.sort((x, y) => Number(x.split(" ")[0]) - Number(y.split(" ")[0]));
    assert.deepEqual(all.map((l) => l.split(" ")[1]), ["a1", "a2", "b1", "b2", "b3", "d1", "c1"]);
    // Both transactions are finished, so nothing is held back from read_committed readers.
    assert.equal(stable, end, "last stable offset equals the high watermark");
    const committed = all.filter((l) => /^\d+ [ac]\d$/.test(l));
    return { topic, all, committed, end };
  })();
}

/** kcat's view of the partition from `start` at one isolation level, as `offset value` lines. */
async function kcatView(
  topic: string,
  isolation: "read_committed" | "read_uncommitted",
  start: number,
): Promise<string[]> {
  const out = await kcat([
    "-b",
    brokerList(),
    "-t",
    topic,
    "-p",
    "0",
    "-C",
    "-e",
    "-q",
    "-o",
    String(start),
    // Always named: librdkafka defaults to read_committed, unlike Kafka's own clients.
    "-X",
    `isolation.level=${isolation}`,
    // Its default 500 ms long poll at the end would make the start-offset sweep slow.
    "-X",
    "fetch.wait.max.ms=10",
    "-f",
    "%o %s\\n",
  ], { timeoutMs: 30_000 });
  return new TextDecoder().decode(out).split("\n").filter(Boolean);
}

const sleep = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms));

/**
 * Reads `pc` until its position reaches `end` and every record before it was handed out, and
 * returns them as `offset value` lines. A stream that never gets there fails after `timeoutMs`.
 */
async function readUntil(
  pc: PartitionConsumer,
  end: number,
  timeoutMs = 20_000,
): Promise<string[]> {
  const reader = pc.getReader();
  const out: string[] = [];
  const deadline = Date.now() + timeoutMs;
  let pending: Promise<ReadableStreamReadResult<RecordChunk>> = reader.read();
  try {
    for (;;) {
      // deliver() enqueues a fetch's records before it moves the position, so once the position
      // is at `end`, every record before it is queued and an idle wait means all were read.
      const reached = pc.position >= end;
      const r = await Promise.race([pending, sleep(50)]);
      if (r === null) {
        if (reached) break;
        if (Date.now() > deadline) {
          throw new Error(
            `position ${pc.position} did not reach ${end} in ${timeoutMs}ms; read ${
              out.join(", ")
            }`,
          );
        }
        continue;
      }
      if (r.done) throw new Error(`the stream ended at position ${pc.position}`);
      for (const rec of r.value.records) {
        out.push(
          `${rec.offset} ${rec.value === null ? "NULL" : new TextDecoder().decode(rec.value)}`,
        );
      }
      pending = reader.read();
    }
    // Give a fetch that would wrongly hand out more (a marker, or a record past the end) time
    // to show it: a fetch from before the end is answered at once, as data is waiting.
    const late = await Promise.race([pending, sleep(150)]);
    if (late !== null) {
      throw new Error(`more came after position ${end}: ${JSON.stringify(late.value?.records)}`);
    }
  } finally {
    await reader.cancel();
  }
  return out;
}

/** kanal's view of partition 0 from `start` with `options`, read to the partition's end. */
async function kanalView(
  client: Client,
  w: Written,
  options: ConsumerOptions,
  start: number,
): Promise<{ records: string[]; position: number }> {
  await using consumer = new Consumer(client, options);
  const pc = consumer.partition(w.topic, 0, { offset: start });
  const records = await readUntil(pc, w.end);
  return { records, position: pc.position };
}

async function connect(): Promise<Client> {
  return await Client.connect({ brokers: brokerList() });
}

test("read_committed shows only committed records, at their offsets, and ends past the last marker", async () => {
  const w = await transactions();
  await using client = await connect();
  const { records, position } = await kanalView(client, w, { isolationLevel: "read_committed" }, 0);
  assert.deepEqual(records.map((l) => l.split(" ")[1]), ["a1", "a2", "c1"]);
  assert.deepEqual(records, w.committed, "offsets as the Java producer was told");
  assert.deepEqual(records, await kcatView(w.topic, "read_committed", 0), "as kcat shows");
  // The log ends with C's commit marker and D's abort marker: the position moves past both.
  assert.equal(position, w.end);
});

test("read_uncommitted shows every data record of every transaction and no control record", async () => {
  const w = await transactions();
  await using client = await connect();
  const { records, position } = await kanalView(client, w, {}, 0);
  assert.deepEqual(records.map((l) => l.split(" ")[1]), [
    "a1",
    "a2",
    "b1",
    "b2",
    "b3",
    "d1",
    "c1",
  ]);
  assert.deepEqual(records, w.all, "offsets as the Java producer was told");
  assert.deepEqual(records, await kcatView(w.topic, "read_uncommitted", 0), "as kcat shows");
  assert.equal(position, w.end);
});

test("both isolation levels match kcat from every start offset with one batch per fetch", async () => {
  const w = await transactions();
  await using client = await connect();
  // A one-byte limit makes the broker answer with only the first batch, so an aborted
  // transaction's batches and its abort marker come in separate fetches, and a reader may start
  // inside a transaction or on a marker.
  const small: ConsumerOptions = { maxBytes: 1, maxPartitionBytes: 1, maxWaitMs: 100 };
  const starts = Array.from({ length: w.end + 1 }, (_, i) => i);
  for (const isolation of ["read_committed", "read_uncommitted"] as const) {
    // One consumer per start offset, side by side on the one client.
    const views = await Promise.all(
      starts.map((start) => kanalView(client, w, { ...small, isolationLevel: isolation }, start)),
    );
    for (const start of starts) {
      const { records, position } = views[start]!;
      const expected = await kcatView(w.topic, isolation, start);
      assert.deepEqual(records, expected, `${isolation} from offset ${start}`);
      assert.equal(position, w.end, `${isolation} from offset ${start}: position`);
    }
  }
});
