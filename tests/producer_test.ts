// Copyright 2026 the kanal authors. MIT license.
// The producer against the real broker, with kcat and Kafka's ConsoleProducer as witnesses.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import type { CompressionName } from "../lib/protocol/compression/codec.ts";
import { Producer } from "../lib/producer/producer.ts";
import { ProduceError } from "../lib/producer/produce_error.ts";
import { jsonSerializer } from "../lib/producer/serializer.ts";
import type { DeliveryReport } from "../lib/producer/producer_record.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat, uniqueTopic } from "./_tools.ts";
import { kafkaTool } from "./_harness.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function connect(extra: { allowAutoTopicCreation?: boolean } = {}): Promise<Client> {
  await requireBroker();
  return Client.connect({ brokers: brokerList(), ...extra });
}

async function topicWith(client: Client, partitions: number): Promise<string> {
  const name = uniqueTopic("producer");
  await new Admin(client).createTopics([{ name, partitions, replicationFactor: 1 }]);
  return name;
}

/** Every record of a topic as kcat prints it with `format`, sorted for comparison. */
async function readBack(topic: string, format: string): Promise<string[]> {
  const out = await kcat([
    "-b",
    brokerList(),
    "-t",
    topic,
    "-C",
    "-o",
    "beginning",
    "-e",
    "-q",
    "-Z",
    "-f",
    format,
  ]);
  return text(out).split("\n").filter((l) => l.length > 0);
}

for (const codec of ["none", "gzip", "snappy", "lz4", "zstd"] as CompressionName[]) {
  test(`kcat reads back exactly what kanal produced with ${codec}`, async () => {
    await using client = await connect();
    const topic = await topicWith(client, 1);
    await using producer = new Producer(client, { compression: codec });
    const reports = await producer.send([
      {
        topic,
        key: "k1",
        value: "v1",
        headers: [{ key: "h1", value: "x" }, { key: "h2", value: "" }],
        timestamp: 1_700_000_000_001,
      },
      { topic, key: null, value: "no key", timestamp: 1_700_000_000_002 },
      { topic, key: "tombstone", value: null, timestamp: 1_700_000_000_003 },
      {
        topic,
        key: new Uint8Array([0x62, 0x69, 0x6e]),
        value: new Uint8Array([0x30, 0x31]),
        headers: { a: "1" },
        timestamp: new Date(1_700_000_000_004),
      },
      { topic, value: "ünïcødé ✓", timestamp: 1_700_000_000_005 },
    ]);
    assert.deepEqual(reports.map((r) => [r.error, r.partition, r.offset, r.timestamp]), [
      [undefined, 0, 0, 1_700_000_000_001],
      [undefined, 0, 1, 1_700_000_000_002],
      [undefined, 0, 2, 1_700_000_000_003],
      [undefined, 0, 3, 1_700_000_000_004],
      [undefined, 0, 4, 1_700_000_000_005],
    ]);
    assert.deepEqual(await readBack(topic, "%o|%k|%s|%S|%h|%T\\n"), [
      "0|k1|v1|2|h1=x,h2=|1700000000001",
      "1|NULL|no key|6||1700000000002",
      "2|tombstone|NULL|-1||1700000000003",
      "3|bin|01|2|a=1|1700000000004",
      "4|NULL|ünïcødé ✓|15||1700000000005",
    ]);
  });
}

test("keyed records land on the partitions Java's ConsoleProducer picks", async () => {
  await using client = await connect();
  const javaTopic = await topicWith(client, 6);
  const kanalTopic = await topicWith(client, 6);
  const keys = Array.from({ length: 60 }, (_, i) => `key-${i}-${"é".repeat(i % 3)}`);
  await kafkaTool("ConsoleProducer", [
    "--bootstrap-server",
    brokerList(),
    "--topic",
    javaTopic,
    "--property",
    "parse.key=true",
    "--property",
    "key.separator=\t",
  ], { input: keys.map((k) => `${k}\tv`).join("\n") + "\n" });
  await using producer = new Producer(client);
  const reports = await producer.send(keys.map((key) => ({ topic: kanalTopic, key, value: "v" })));
  const ours = new Map(keys.map((k, i) => [k, reports[i]!.partition]));
  const theirs = new Map(
    (await readBack(javaTopic, "%k\t%p\\n")).map((l) => {
      const [k, p] = l.split("\t");
      return [k!, Number(p)];
    }),
  );
  assert.equal(theirs.size, keys.length);
  assert.deepEqual(ours, theirs);
  assert.ok(new Set(ours.values()).size > 1, "keys spread over partitions");
});

test("a buffer capped at N records never holds more than N", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 3);
  await using producer = new Producer(client, { maxBufferedRecords: 1000, lingerMs: 20 });
  const writer = producer.writable.getWriter();
  const value = new Uint8Array(100);
  // A write seen still pending after a full turn of the event loop waited for room; one
  // settled by then did not. Both must be seen, or the cap was never reached (or never left).
  let waited = 0;
  let passed = 0;
  for (let w = 0; w < 200; w++) {
    let settled = false;
    const p = writer.write(Array.from({ length: 100 }, () => ({ topic, value })));
    p.then(() => settled = true, () => settled = true);
    await new Promise((r) => setTimeout(r, 0));
    if (settled) passed++;
    else waited++;
    await p;
    assert.ok(producer.buffered.records <= 1000, `buffered ${producer.buffered.records}`);
  }
  writer.releaseLock();
  await producer.flush();
  assert.ok(producer.buffered.peakRecords <= 1000, `peak ${producer.buffered.peakRecords}`);
  assert.ok(waited > 0, "some writes had to wait for room");
  assert.ok(passed > 0, "some writes found room at once");
  assert.equal(producer.buffered.records, 0);
  const lines = await readBack(topic, "%p\\n");
  assert.equal(lines.length, 20_000, "every record arrived");
});

test("an oversized record fails alone with MESSAGE_TOO_LARGE; the rest arrive", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  await using producer = new Producer(client, { maxRecordBytes: 1000 });
  const reports = await producer.send([
    { topic, value: "before" },
    { topic, value: "x".repeat(5000) },
    { topic, value: "after" },
  ]);
  assert.equal(reports[0]!.error, undefined);
  assert.ok(reports[1]!.error instanceof KafkaError);
  assert.equal((reports[1]!.error as KafkaError).errorName, "MESSAGE_TOO_LARGE");
  assert.equal(reports[2]!.error, undefined);
  assert.deepEqual(await readBack(topic, "%s\\n"), ["before", "after"]);
  // The single-record form throws the record's error.
  await assert.rejects(producer.send({ topic, value: "y".repeat(2000) }), {
    errorName: "MESSAGE_TOO_LARGE",
  });
});

test("an unknown topic with auto-creation off fails its records; other topics still deliver", async () => {
  await using client = await connect({ allowAutoTopicCreation: false });
  const known = await topicWith(client, 1);
  await using producer = new Producer(client, { maxBlockMs: 1500 });
  const missing = uniqueTopic("missing");
  const [lost, ok] = await Promise.all([
    producer.send([{ topic: missing, value: "a" }]),
    producer.send([{ topic: known, value: "b" }]),
  ]);
  assert.ok(lost[0]!.error instanceof KafkaError);
  assert.equal((lost[0]!.error as KafkaError).errorName, "UNKNOWN_TOPIC_OR_PARTITION");
  assert.equal(ok[0]!.error, undefined);
  assert.deepEqual(await readBack(known, "%s\\n"), ["b"]);
  assert.equal(
    (await client.refreshMetadata([missing])).topics.get(missing)?.errorCode,
    3,
    "not created",
  );
});

test("bad records, bad options and a closed producer are typed errors", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  assert.throws(
    () => new Producer(client, { acks: "1" as never }),
    (e) => e instanceof RangeError && /"acks"/.test(e.message),
  );
  assert.throws(() => new Producer(client, { lingerMS: 5 } as never), /did you mean "lingerMs"/);
  assert.throws(() => new Producer(client, { acks: "leader" }), /idempotent producer needs "all"/);
  assert.throws(() => new Producer(client, { maxInFlight: 6 }), /at most 5/);
  const producer = new Producer(client);
  await assert.rejects(
    producer.send([{ topic, value: "ok" }, { topic: "", value: "x" }]),
    TypeError,
  );
  await assert.rejects(
    producer.send({ topic, value: 42 as never }),
    /value must be bytes, a string or null/,
  );
  await assert.rejects(producer.send({ topic, value: "x", partition: -1 }), TypeError);
  assert.deepEqual(
    await readBack(topic, "%s\\n"),
    [],
    "a rejected write accepts none of its records",
  );
  const report = await producer.send({ topic, value: "x", partition: 5 }).catch((e) => e);
  assert.equal(report.errorName, "UNKNOWN_TOPIC_OR_PARTITION", "a partition the topic lacks");
  await producer.close();
  await assert.rejects(producer.send({ topic, value: "late" }), /producer is closed/);
  await assert.rejects(producer.writable.getWriter().write({ topic, value: "late" }));
});

test("writable failures go to onError, or are thrown by flush() as a ProduceError", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  {
    await using producer = new Producer(client, { maxRecordBytes: 500 });
    const w = producer.writable.getWriter();
    await w.write([{ topic, value: "a" }, { topic, value: "z".repeat(1000) }, {
      topic,
      value: "b",
    }]);
    w.releaseLock();
    await assert.rejects(producer.flush(), (e) => {
      assert.ok(e instanceof ProduceError);
      assert.equal(e.count, 1);
      assert.equal((e.reports[0]!.error as KafkaError).errorName, "MESSAGE_TOO_LARGE");
      return true;
    });
    await producer.flush(); // reported once
  }
  const seen: DeliveryReport[] = [];
  {
    await using producer = new Producer(client, {
      maxRecordBytes: 500,
      onError: (r) => seen.push(r),
    });
    const w = producer.writable.getWriter();
    await w.write({ topic, value: "q".repeat(1000) });
    w.releaseLock();
    await producer.flush();
  }
  assert.equal(seen.length, 1);
  assert.deepEqual(await readBack(topic, "%s\\n"), ["a", "b"]);
});

test("transform() turns chunks of records into reports, in order", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 2);
  await using producer = new Producer(client, { valueSerializer: jsonSerializer });
  const chunks = [
    [{ topic, key: "a", value: { n: 1 }, partition: 0 }, {
      topic,
      key: "b",
      value: { n: 2 },
      partition: 1,
    }],
    { topic, key: "a", value: { n: 3 }, partition: 0 },
    [{ topic, key: "a", value: null, partition: 0 }],
  ];
  const out = await Array.fromAsync(
    ReadableStream.from(chunks as never[]).pipeThrough(producer.transform()),
  ) as DeliveryReport[][];
  assert.deepEqual(out.map((r) => r.length), [2, 1, 1]);
  const a = out.flat().filter((_, i) => i !== 1);
  assert.ok(
    a.every((r) => r.partition === a[0]!.partition && !r.error),
    "key a stays on one partition",
  );
  assert.deepEqual(a.map((r) => r.offset), [a[0]!.offset, a[0]!.offset + 1, a[0]!.offset + 2]);
  const lines = await readBack(topic, "%k=%s\\n");
  assert.deepEqual(lines.sort(), ["a=NULL", 'a={"n":1}', 'a={"n":3}', 'b={"n":2}'].sort());
});

test("acks none sends without answers: offsets are unknown, records arrive", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  await using producer = new Producer(client, { acks: "none", idempotent: false });
  const reports = await producer.send([{ topic, value: "1" }, { topic, value: "2" }]);
  assert.deepEqual(reports.map((r) => r.offset), [-1, -1]);
  let lines: string[] = [];
  for (let i = 0; i < 50 && lines.length < 2; i++) {
    lines = await readBack(topic, "%s\\n");
    if (lines.length < 2) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(lines, ["1", "2"]);
});

test("the stage dump shows every producer stage, and close() stops them all", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 3);
  const producer = new Producer(client);
  await producer.send(
    Array.from({ length: 30 }, (_, i) => ({ topic, value: `${i}`, partition: i % 3 })),
  );
  const count = (name: string) => producer.stages().filter((s) => s.name === name).length;
  assert.equal(count("topicDispatcher"), 1);
  assert.equal(count("partitionDispatcher"), 1);
  assert.equal(count("leaderDispatcher"), 3);
  assert.equal(count("messageAggregator"), 1);
  assert.equal(count("flusher"), 1);
  assert.equal(count("retryHandler"), 1);
  assert.match(producer.dumpStages(), /leaderDispatcher +producer \d+, .+\/2 +waiting for input/);
  assert.equal(producer.stages().find((s) => s.name === "topicDispatcher")!.counters.records, 30);
  await producer.close();
  assert.deepEqual(producer.stages(), []);
});

test("flush() covers writes still queued in writable, not only those already accepted", async () => {
  await using client = await connect();
  const topic = await topicWith(client, 1);
  await using producer = new Producer(client);
  const writer = producer.writable.getWriter();
  // The usual loop: wait for room, write, never await the write itself.
  for (let i = 0; i < 50; i++) {
    await writer.ready;
    writer.write(Array.from({ length: 100 }, (_, k) => ({ topic, value: `${i * 100 + k}` })));
  }
  await producer.flush();
  assert.equal(producer.buffered.records, 0);
  assert.equal((await readBack(topic, "%s\\n")).length, 5000, "all delivered when flush resolved");
  writer.releaseLock();
});
