// Copyright 2026 the kanal authors. MIT license.
// Every codec, both ways, through the real broker: what kcat and Kafka's ConsoleProducer write
// with it, kanal decodes; what kanal writes with it, kcat and ConsoleConsumer read.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import type { CompressionName } from "../lib/protocol/compression/codec.ts";
import { prepareCodecs } from "../lib/protocol/compression/codec_registry.ts";
import { encodeRecordBatch } from "../lib/protocol/record_batch_encoder.ts";
import type { ApiVersionTable } from "../lib/protocol/versions.ts";
import { type BrokerAddress, requireBroker } from "./_kafka.ts";
import { kcat, uniqueTopic } from "./_tools.ts";
import { kafkaTool } from "./_harness.ts";
import { call, fetchBatches, negotiate } from "./_wire.ts";

const CODECS: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];
const text = (b: Uint8Array | null) => b === null ? null : new TextDecoder().decode(b);
// librdkafka sends a batch uncompressed when compressing would not shrink it: make it shrink.
const long = (s: string) => `${s} `.repeat(40).trim();

async function createTopic(b: BrokerAddress, t: ApiVersionTable, name: string, partitions = 1) {
  const res = await call(b, API_TABLE[19], t.version(19), {
    topics: [{
      name,
      numPartitions: partitions,
      replicationFactor: 1,
      assignments: [],
      configs: [],
    }],
    timeoutMs: 10_000,
  });
  assert.equal(res.topics[0]?.errorCode, 0, res.topics[0]?.errorMessage ?? "");
  // Wait until every partition has a leader, so produce and fetch work at once.
  for (let i = 0; i < 100; i++) {
    const meta = await call(b, API_TABLE[3], t.version(3), { topics: [{ name }] });
    const topic = meta.topics[0]!;
    if (topic.errorCode === 0 && topic.partitions.every((p) => p.leaderId >= 0)) {
      return res.topics[0]!.topicId!;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`topic ${name} has no leader`);
}

test("kanal decodes what kcat wrote with every codec", async () => {
  await prepareCodecs();
  const broker = await requireBroker();
  const t = await negotiate(broker);
  for (const codec of CODECS) {
    const topic = uniqueTopic(`kcat-${codec}`);
    const topicId = await createTopic(broker, t, topic);
    await kcat([
      "-b",
      `${broker.host}:${broker.port}`,
      "-t",
      topic,
      "-P",
      "-K",
      ":",
      "-z",
      codec,
      "-H",
      "h1=v1",
      "-H",
      "h2=",
    ], { input: `k1:${long("one")}\nk2:${long("two")}\nk3:${long("three")}\n` });
    const batches = await fetchBatches(broker, t.version(1), topicId);
    assert.ok(batches.length >= 1);
    for (const batch of batches) assert.equal(batch.compression, codec, `${codec}: stored codec`);
    const records = batches.flatMap((b) => b.records);
    assert.deepEqual(records.map((r) => [text(r.key), text(r.value), r.offset]), [
      ["k1", long("one"), 0],
      ["k2", long("two"), 1],
      ["k3", long("three"), 2],
    ], codec);
    assert.deepEqual(records[0]!.headers.map((h) => [h.key, text(h.value)]), [["h1", "v1"], [
      "h2",
      "",
    ]]);
  }
});

test("kanal decodes what Kafka's ConsoleProducer wrote with every codec", async () => {
  await prepareCodecs();
  const broker = await requireBroker();
  const t = await negotiate(broker);
  const bootstrap = `${broker.host}:${broker.port}`;
  await Promise.all(CODECS.map(async (codec) => {
    const topic = uniqueTopic(`java-${codec}`);
    const topicId = await createTopic(broker, t, topic);
    await kafkaTool("ConsoleProducer", [
      "--bootstrap-server",
      bootstrap,
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
    ], { input: "h:x|a:1\nh:y|b:2\n" });
    const batches = await fetchBatches(broker, t.version(1), topicId);
    for (const batch of batches) assert.equal(batch.compression, codec, `${codec}: stored codec`);
    const records = batches.flatMap((b) => b.records);
    assert.deepEqual(
      records.map((
        r,
      ) => [text(r.key), text(r.value), r.headers.map((h) => `${h.key}=${text(h.value)}`)]),
      [["a", "1", ["h=x"]], ["b", "2", ["h=y"]]],
      codec,
    );
  }));
});

test("kcat and ConsoleConsumer read what kanal wrote with every codec", async () => {
  await prepareCodecs();
  const broker = await requireBroker();
  const t = await negotiate(broker);
  const bootstrap = `${broker.host}:${broker.port}`;
  const topic = uniqueTopic("kanal-codecs");
  await createTopic(broker, t, topic, CODECS.length);
  // Partition i holds the batch written with codec i.
  for (const [i, codec] of CODECS.entries()) {
    const batch = await encodeRecordBatch([
      { key: `${codec}-k1`, value: `${codec} one`, headers: [{ key: "codec", value: codec }] },
      { key: null, value: `${codec} two`, timestamp: 1_700_000_000_000 },
      { key: `${codec}-k3`, value: null },
    ], { compression: codec });
    // A new partition's leader may take a moment to know it leads: retry what is retriable.
    let p;
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await call(broker, API_TABLE[0], t.version(0), {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, partitionData: [{ index: i, records: batch }] }],
      });
      p = res.responses[0]!.partitionResponses[0]!;
      if (p.errorCode !== 6 && p.errorCode !== 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(p!.errorCode, 0, `${codec}: ${p!.errorMessage}`);
  }
  for (const [i, codec] of CODECS.entries()) {
    const out = new TextDecoder().decode(
      await kcat([
        "-b",
        bootstrap,
        "-t",
        topic,
        "-p",
        String(i),
        "-C",
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%k|%S|%s|%h\\n",
      ]),
    );
    // kcat prints a null value as an empty string and its size as -1.
    assert.equal(
      out,
      `${codec}-k1|${codec.length + 4}|${codec} one|codec=${codec}\n` +
        `|${codec.length + 4}|${codec} two|\n` +
        `${codec}-k3|-1||\n`,
      codec,
    );
  }
  const out = await kafkaTool("ConsoleConsumer", [
    "--bootstrap-server",
    bootstrap,
    "--topic",
    topic,
    "--from-beginning",
    "--max-messages",
    String(CODECS.length * 3),
    "--timeout-ms",
    "20000",
    "--property",
    "print.key=true",
    "--property",
    "print.partition=true",
    "--property",
    "print.headers=true",
  ]);
  // Newer tools print a deprecation notice for --property on stdout: keep only records.
  const lines = out.split("\n")
    .filter((l) => l.startsWith("Partition:")).sort();
  const expected = CODECS.flatMap((codec, i) => [
    `Partition:${i}\tcodec:${codec}\t${codec}-k1\t${codec} one`,
    `Partition:${i}\tNO_HEADERS\tnull\t${codec} two`,
    `Partition:${i}\tNO_HEADERS\t${codec}-k3\tnull`,
  ]).sort();
  assert.deepEqual(lines, expected);
});
