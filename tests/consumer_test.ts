// Copyright 2026 the kanal authors. MIT license.
// The consumer against the real broker: interop with kcat and Kafka's ConsoleProducer, start
// offsets, a corrupted batch, offset-out-of-range policies, pause/seek, and its stages.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Consumer } from "../lib/consumer/consumer.ts";
import type { PartitionConsumer } from "../lib/consumer/partition_consumer.ts";
import type { RecordChunk } from "../lib/consumer/record_chunk.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import type { Transport } from "../lib/net/transport.ts";
import { KafkaError, MalformedDataError } from "../lib/protocol/kafka_error.ts";
import { Producer } from "../lib/producer/producer.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { startProxy } from "./_proxy.ts";
import { kcat, uniqueTopic } from "./_tools.ts";
import { kafkaTool } from "./_harness.ts";

const text = (b: Uint8Array | null) => b === null ? "NULL" : new TextDecoder().decode(b);

async function connect(): Promise<Client> {
  await requireBroker();
  return Client.connect({ brokers: brokerList() });
}

async function topicWith(client: Client, partitions: number): Promise<string> {
  const name = uniqueTopic("consumer");
  await new Admin(client).createTopics([{ name, partitions, replicationFactor: 1 }]);
  return name;
}

/** Reads `pc` until `count` records came, and returns them as `offset|key|value|headers`. */
async function take(pc: PartitionConsumer, count: number): Promise<string[]> {
  const out: string[] = [];
  for await (const r of pc.records()) {
    const h = r.headers.map((x) => `${x.key}=${text(x.value)}`).join(",");
    out.push(`${r.offset}|${text(r.key)}|${text(r.value)}|${h}`);
    if (out.length >= count) break;
  }
  return out;
}

for (const codec of ["none", "gzip", "snappy", "lz4", "zstd"]) {
  test(`kanal reads exactly what kcat and ConsoleProducer wrote with ${codec}`, async () => {
    await using client = await connect();
    const topic = await topicWith(client, 1);
    const long = (s: string) => `${s} `.repeat(30).trim(); // so librdkafka really compresses
    await kcat(
      ["-b", brokerList(), "-t", topic, "-P", "-K", ":", "-z", codec, "-H", "src=kcat", "-p", "0"],
      { input: `a:${long("one")}\nb:${long("two")}\n` },
    );
    await kafkaTool("ConsoleProducer", [
      "--bootstrap-server",
      brokerList(),
      "--topic",
      topic,
      "--compression-codec",
      codec,
      "--property",
      "parse.key=true",
      "--property",
      "key.separator=:",
      "--property",
      "parse.headers=true",
      "--property",
      "headers.delimiter=|",
    ], { input: "src:java|c:three\n" });
    await using consumer = new Consumer(client);
    assert.deepEqual(await take(consumer.partition(topic, 0), 3), [
      `0|a|${long("one")}|src=kcat`,
      `1|b|${long("two")}|src=kcat`,
      "2|c|three|src=java",
    ]);
  });
}

test("start offsets: oldest, newest, absolute and by timestamp", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  await using producer = new Producer(client);
  await producer.send(
    Array.from(
      { length: 10 },
      (_, i) => ({ topic, value: `v${i}`, timestamp: 1_700_000_000_000 + i * 1000 }),
    ),
  );
  await using consumer = new Consumer(client);
  const values = async (pc: PartitionConsumer, n: number) =>
    (await take(pc, n)).map((l) => l.split("|").slice(0, 3).join("|"));
  assert.deepEqual(await values(consumer.partition(topic, 0, { offset: "oldest" }), 2), [
    "0|NULL|v0",
    "1|NULL|v1",
  ]);
  assert.deepEqual(await values(consumer.partition(topic, 0, { offset: 7 }), 3), [
    "7|NULL|v7",
    "8|NULL|v8",
    "9|NULL|v9",
  ]);
  assert.deepEqual(
    await values(consumer.partition(topic, 0, { offset: { timestamp: 1_700_000_004_500 } }), 1),
    ["5|NULL|v5"],
  );
  // Newest: only what is produced after the stream found its position.
  const newest = consumer.partition(topic, 0, { offset: "newest" });
  for (let i = 0; i < 100 && newest.position < 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(newest.position, 10);
  await producer.send({ topic, value: "later" });
  assert.deepEqual(await values(newest, 1), ["10|NULL|later"]);
  assert.equal(newest.highWatermark, 11);
});

test("an offset out of range follows the policy: oldest, newest, or an error", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  await using producer = new Producer(client);
  await producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, value: `v${i}` })));
  {
    await using consumer = new Consumer(client, { offsetOutOfRange: "oldest" });
    assert.deepEqual(
      (await take(consumer.partition(topic, 0, { offset: 1000 }), 1)).map((l) => l.split("|")[0]),
      ["0"],
    );
  }
  {
    await using consumer = new Consumer(client, { offsetOutOfRange: "newest" });
    const pc = consumer.partition(topic, 0, { offset: 1000 });
    for (let i = 0; i < 100 && pc.position !== 5; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(pc.position, 5, "moved to the end");
    await producer.send({ topic, value: "v5" });
    assert.deepEqual((await take(pc, 1)).map((l) => l.split("|")[2]), ["v5"]);
  }
  {
    await using consumer = new Consumer(client, { offsetOutOfRange: "error" });
    const reader = consumer.partition(topic, 0, { offset: 1000 }).getReader();
    await assert.rejects(reader.read(), (e) => {
      assert.ok(e instanceof KafkaError);
      assert.equal(e.errorName, "OFFSET_OUT_OF_RANGE");
      return true;
    });
  }
});

test("a corrupted batch (CRC mismatch) errors the partition's stream with a typed error", async () => {
  const target = await requireBroker();
  await using proxy = await startProxy(target);
  // Route every broker connection through the proxy, which flips a byte of one record value.
  const base = await defaultTransport();
  const viaProxy: Transport = (o) =>
    base({ ...o, host: proxy.address.host, port: proxy.address.port });
  await using client = await Client.connect({ brokers: brokerList(), transport: viaProxy });
  const topic = await topicWith(client, 1);
  await using producer = new Producer(client);
  await producer.send([{ topic, value: "fine" }, { topic, value: "CORRUPT-ME-PAYLOAD" }]);
  const marker = new TextEncoder().encode("CORRUPT-ME");
  proxy.onDownstream((chunk) => {
    outer: for (let i = 0; i + marker.length <= chunk.length; i++) {
      for (let j = 0; j < marker.length; j++) if (chunk[i + j] !== marker[j]) continue outer;
      chunk[i] = 0x78; // 'C' -> 'x'
    }
  });
  await using consumer = new Consumer(client);
  const reader = consumer.partition(topic, 0).getReader();
  await assert.rejects(reader.read(), (e) => {
    assert.ok(e instanceof MalformedDataError, String(e));
    assert.match(e.message, /CRC/i);
    return true;
  });
  // With CRC checks off, the same bytes are read (and show the flipped byte).
  await using unchecked = new Consumer(client, { checkCrc: false });
  const lines = await take(unchecked.partition(topic, 0), 2);
  assert.deepEqual(lines.map((l) => l.split("|")[2]), ["fine", "xORRUPT-ME-PAYLOAD"]);
});

test("pause, resume and seek; lag and the high watermark", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  // A second topic on the same broker, read by the same consumer: its fetches show when a fetch
  // round has come and gone while partition 0 was paused.
  const witness = await topicWith(client, 1);
  await using producer = new Producer(client);
  await producer.send(Array.from({ length: 20 }, (_, i) => ({ topic, value: `v${i}` })));
  await using consumer = new Consumer(client);
  const watching = take(consumer.partition(witness, 0), 1);
  const pc = consumer.partition(topic, 0);
  const reader = pc.getReader();
  const first = (await reader.read()).value as RecordChunk;
  assert.equal(first.records[0]!.offset, 0);
  assert.equal(first.highWatermark, 20);
  assert.equal(pc.highWatermark, 20);
  const seen = first.records.length;
  assert.equal(pc.lag, 20 - seen);
  pc.pause();
  await producer.send({ topic, value: "while paused" });
  // A fetch that included partition 0 after this would have raised its high watermark to 21.
  await producer.send({ topic: witness, value: "after the paused record" });
  assert.deepEqual(await watching, ["0|NULL|after the paused record|"]);
  assert.equal(pc.highWatermark, 20, "no fetch while paused");
  pc.seek(3);
  pc.resume();
  let chunk: RecordChunk;
  do chunk = (await reader.read()).value as RecordChunk; while (chunk.records[0]!.offset !== 3);
  assert.deepEqual(chunk.records.map((r) => text(r.value)).slice(0, 2), ["v3", "v4"]);
  reader.releaseLock();
});

test("a topic's partitions merge into one stream, and the stage dump shows each stage", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 3);
  await using producer = new Producer(client);
  await producer.send(
    Array.from({ length: 300 }, (_, i) => ({ topic, value: `${i}`, partition: i % 3 })),
  );
  const consumer = new Consumer(client);
  const stream = await consumer.topic(topic);
  const got = new Map<number, number[]>();
  let n = 0;
  for await (const chunk of stream) {
    const list = got.get(chunk.partition) ?? [];
    for (const r of chunk.records) list.push(Number(text(r.value)));
    got.set(chunk.partition, list);
    n += chunk.records.length;
    if (n >= 300) break;
  }
  for (const p of [0, 1, 2]) {
    assert.deepEqual(
      got.get(p),
      Array.from({ length: 100 }, (_, k) => k * 3 + p),
      `partition ${p} in order`,
    );
  }
  const fresh = new Consumer(client);
  fresh.partition(topic, 0);
  fresh.partition(topic, 1);
  // Both partitions subscribe once their start offsets and leader are known.
  const subscribed = () =>
    fresh.stages().find((s) => s.name === "subscriptionManager")?.counters.partitions ?? 0;
  for (let i = 0; i < 100 && subscribed() < 2; i++) await new Promise((r) => setTimeout(r, 20));
  const count = (name: string) => fresh.stages().filter((s) => s.name === name).length;
  assert.equal(count("partitionConsumer"), 2);
  assert.equal(count("subscriptionManager"), 1);
  assert.equal(count("subscriptionConsumer"), 1);
  assert.match(fresh.dumpStages(), /subscriptionManager +consumer \d+, broker \d+ .*partitions=2/);
  await fresh.close();
  await consumer.close();
  assert.deepEqual(fresh.stages(), []);
  assert.deepEqual(consumer.stages(), []);
});

test("a record larger than the fetch limits still arrives", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  await using producer = new Producer(client);
  const big = "x".repeat(600_000);
  await producer.send([{ topic, value: "small" }, { topic, value: big }, {
    topic,
    value: "after",
  }]);
  // Limits far below the big record: the broker still returns a first batch whole (KIP-74).
  await using consumer = new Consumer(client, { maxPartitionBytes: 10_000, maxBytes: 20_000 });
  const got: string[] = [];
  for await (const r of consumer.partition(topic, 0).records()) {
    got.push(text(r.value));
    if (got.length === 3) break;
  }
  assert.deepEqual(got.map((v) => v.length), [5, 600_000, 5]);
  assert.equal(got[1], big);
});
