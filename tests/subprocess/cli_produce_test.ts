// Copyright 2026 the kanal authors. MIT license.
// `kanal produce` as a user runs it: cli.ts as a subprocess under Deno and under Bun, lines on
// stdin, against the real broker; kcat reads back what arrived, and kcat -P fed the same lines is
// the witness for how lines become records.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../../lib/admin/admin.ts";
import { Client } from "../../lib/client/client.ts";
import type { CompressionName } from "../../lib/protocol/compression/codec.ts";
import { prepareCodecs } from "../../lib/protocol/compression/codec_registry.ts";
import { brokerList, requireBroker } from "../_kafka.ts";
import { kcat, type RunResult, uniqueTopic } from "../_tools.ts";
import { kanal as cli, type Runtime, RUNTIMES, text } from "../_cli.ts";
import { type TestTopic, withTopics as withFreshTopics } from "../_topics.ts";
import { fetchBatches, negotiate } from "../_wire.ts";

const CODECS: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];

async function kanal(runtime: Runtime, args: string[], input: string): Promise<RunResult> {
  return await cli(runtime, args, { input });
}

/** Runs `body` with fresh topics of `partitions` partitions each, deleted afterwards. */
function withTopics(
  count: number,
  partitions: number,
  body: (topics: TestTopic[]) => Promise<void>,
): Promise<void> {
  return withFreshTopics({ count, partitions, prefix: "cli-produce" }, body);
}

/** Every record of `topic` as kcat prints it with `format`, one entry per record. */
async function readBack(topic: string, format: string, partition?: number): Promise<string[]> {
  const out = text(
    await kcat([
      "-C",
      "-b",
      brokerList(),
      "-t",
      topic,
      ...(partition === undefined ? [] : ["-p", String(partition)]),
      "-e",
      "-q",
      "-f",
      `${format}\\x1e`,
    ]),
  );
  return out.split("\x1e").slice(0, -1);
}

// Keys, keyless lines, an empty key and value, a value holding the delimiter, UTF-8, empty lines,
// \r\n and a last line without a newline.
const LINES = "k1:v1\r\nplain line\n\n:empty key\nk2:\nk3:a:b:c\n\r\nünï:cödé 🙂\nlast:no newline";

for (const [runtime] of RUNTIMES) {
  test(`kanal produce makes the records kcat -P makes of the same lines, under ${runtime}`, async () => {
    await requireBroker();
    await withTopics(2, 3, async ([mine, theirs]) => {
      const flags = ["-b", brokerList(), "-K", ":", "-H", "trace=a=b", "-H", "flag", "-p", "2"];
      const r = await kanal(runtime, ["produce", ...flags, "-t", mine!.name], LINES);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
      // kcat keeps a \r before \n in the value; kanal ends lines at \r\n as well.
      await kcat(["-P", ...flags, "-t", theirs!.name], { input: LINES.replaceAll("\r\n", "\n") });
      const format = "%K %k|%S %s|%h|%p|%o";
      const got = await readBack(mine!.name, format);
      assert.deepEqual(got, await readBack(theirs!.name, format));
      assert.deepEqual(got, [
        "2 k1|2 v1|trace=a=b,flag=NULL|2|0",
        "-1 |10 plain line|trace=a=b,flag=NULL|2|1",
        "0 |9 empty key|trace=a=b,flag=NULL|2|2",
        "2 k2|0 |trace=a=b,flag=NULL|2|3",
        "2 k3|5 a:b:c|trace=a=b,flag=NULL|2|4",
        "5 ünï|11 cödé 🙂|trace=a=b,flag=NULL|2|5",
        "4 last|10 no newline|trace=a=b,flag=NULL|2|6",
      ]);
    });
  });

  test(`kanal produce -z writes batches with each codec that kcat reads back, under ${runtime}`, async () => {
    await prepareCodecs();
    const broker = await requireBroker();
    const versions = await negotiate(broker);
    // One partition per codec; long repetitive values so every codec really shrinks them.
    await withTopics(1, CODECS.length, async ([topic]) => {
      const values = Array.from({ length: 20 }, (_, i) => `${i} `.repeat(50) + "end");
      for (const [p, codec] of CODECS.entries()) {
        const lines = values.map((v, i) => `${codec}-${i}\t${v}`).join("\n") + "\n";
        const r = await kanal(runtime, [
          "-P",
          ...["-b", brokerList(), "-t", topic!.name, "-p", String(p), "-z", codec, "-K", "\\t"],
        ], lines);
        assert.equal(r.code, 0, `${codec}: ${r.stderr}`);
        const batches = await fetchBatches(broker, versions.version(1), topic!.topicId, p);
        assert.ok(batches.length >= 1, codec);
        for (const b of batches) assert.equal(b.compression, codec, `${codec}: stored codec`);
        assert.deepEqual(
          await readBack(topic!.name, "%k=%s", p),
          values.map((v, i) => `${codec}-${i}=${v}`),
          codec,
        );
      }
    });
  });

  test(`kanal produce streams 200,000 lines in order, under ${runtime}`, async () => {
    await requireBroker();
    await withTopics(1, 1, async ([topic]) => {
      let input = "";
      for (let i = 0; i < 200_000; i++) input += `record ${i} ${"x".repeat(i % 50)}\n`;
      const r = await kanal(runtime, [
        "produce",
        ...["-b", brokerList(), "-t", topic!.name, "-X", "acks=1", "-X", "linger.ms=10"],
      ], input);
      assert.equal(r.code, 0, r.stderr);
      const got = await readBack(topic!.name, "%s");
      assert.equal(got.length, 200_000);
      assert.equal(got.join("\n") + "\n", input);
    });
  });

  test(`kanal produce exits 1 when the topic does not exist and may not be created, under ${runtime}`, async () => {
    await requireBroker();
    const topic = uniqueTopic("cli-produce-missing");
    const r = await kanal(runtime, [
      "produce",
      ...["-b", brokerList(), "-t", topic, "-X", "allow.auto.create.topics=false"],
      ...["-X", "maxBlockMs=2000"],
    ], "a\nb\nc\n");
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^kanal: 3 of 3 records were not delivered to ".*"/);
    assert.match(r.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
    await using client = await Client.connect({ brokers: brokerList() });
    assert.ok(!(await new Admin(client).listTopics()).includes(topic), "not created");
  });

  test(`kanal produce delivers the other lines and exits 1 when one is too large, under ${runtime}`, async () => {
    await requireBroker();
    await withTopics(1, 1, async ([topic]) => {
      const input = `short 1\nshort 2\n${"x".repeat(300)}\nshort 3\n`;
      const r = await kanal(runtime, [
        "produce",
        ...["-b", brokerList(), "-t", topic!.name, "-X", "maxRecordBytes=100"],
      ], input);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^kanal: 1 of 4 records was not delivered/);
      assert.match(r.stderr, /MESSAGE_TOO_LARGE/);
      assert.deepEqual(await readBack(topic!.name, "%s"), ["short 1", "short 2", "short 3"]);
    });
  });

  test(`kanal produce exits 2 on a bad flag or value without producing, under ${runtime}`, async () => {
    const topic = uniqueTopic("cli-produce-usage");
    for (
      const [args, message] of [
        [["--nope"], /Unknown flag "--nope"/],
        [["-z", "brotli"], /Cannot use -z as it must be one of none, gzip, snappy, lz4, zstd/],
        [["-p", "x"], /Cannot use -p/],
        [["-X", "linger=5"], /did you mean "lingerMs"/],
        [["-X", "acks=1", "-X", "enable.idempotence=true"], /idempotent producer needs "all"/],
      ] as const
    ) {
      const r = await kanal(runtime, ["produce", "-b", brokerList(), "-t", topic, ...args], "a\n");
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    await using client = await Client.connect({ brokers: brokerList() });
    assert.ok(!(await new Admin(client).listTopics()).includes(topic), "nothing produced");
  });
}
