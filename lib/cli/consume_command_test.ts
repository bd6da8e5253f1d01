// Copyright 2026 the kanal authors. MIT license.
// kanal consume without a broker: how flags become options and which mistakes exit 2.
// record_formatter_test.ts covers how records become bytes.
// tests/cli_consume_test.ts runs the command against a real broker with kcat as the oracle.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KafkaRecord } from "../protocol/record.ts";
import { parseArgs } from "./args.ts";
import {
  consumeCommand,
  type ConsumeIo,
  consumeOptionsFromArgs,
  parseOffsetFlags,
} from "./consume_command.ts";
import { runCli } from "./run_cli.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function record(fields: Partial<KafkaRecord> = {}): KafkaRecord {
  return {
    offset: 0,
    timestamp: 1_700_000_000_000,
    key: enc.encode("key"),
    value: enc.encode("value"),
    headers: [],
    ...fields,
  };
}

test("-o takes kcat's forms, and a start and an e@ together", () => {
  assert.deepEqual(parseOffsetFlags([]), { start: { kind: "oldest" } });
  assert.deepEqual(parseOffsetFlags(["beginning"]), { start: { kind: "oldest" } });
  assert.deepEqual(parseOffsetFlags(["end"]), { start: { kind: "newest" } });
  assert.deepEqual(parseOffsetFlags(["42"]), { start: { kind: "offset", offset: 42 } });
  assert.deepEqual(parseOffsetFlags(["-3"]), { start: { kind: "tail", count: 3 } });
  assert.deepEqual(parseOffsetFlags(["s@1000"]), { start: { kind: "timestamp", timestamp: 1000 } });
  assert.deepEqual(parseOffsetFlags(["e@2000"]), {
    start: { kind: "oldest" },
    stopTimestamp: 2000,
  });
  assert.deepEqual(parseOffsetFlags(["e@2000", "-1"]), {
    start: { kind: "tail", count: 1 },
    stopTimestamp: 2000,
  });
  for (const bad of ["soon", "", "-", "1.5", "s@", "s@x", "e@-1", "0x10", "99999999999999999"]) {
    assert.throws(() => parseOffsetFlags([bad]), { name: "UsageError" }, bad);
  }
  assert.throws(() => parseOffsetFlags(["stored"]), { message: /consumer group/ });
  assert.throws(() => parseOffsetFlags(["1", "end"]), { message: /one too many/ });
  assert.throws(() => parseOffsetFlags(["e@1", "e@2"]), { message: /one too many/ });
});

function settings(argv: string[]) {
  return consumeOptionsFromArgs(parseArgs(["-b", "b1:9092", ...argv], consumeCommand.flags));
}

test("consume options default to kcat's: restart at the end and never create the topic", () => {
  const s = settings(["-t", "orders"]);
  assert.deepEqual(s.consumer, { offsetOutOfRange: "newest" });
  assert.deepEqual(s.client, { brokers: "b1:9092", allowAutoTopicCreation: false });
  assert.equal(s.exitAtEnd, false);
  assert.equal(s.count, undefined);
  assert.equal(s.partition, undefined);
  const created = settings(["-t", "orders", "-X", "allow.auto.create.topics=true"]);
  assert.equal(created.client.allowAutoTopicCreation, true);
});

test("-X sets consumer options by kanal's, kcat's and Java's names", () => {
  const s = settings([
    "-t",
    "orders",
    ...["-X", "fetch.max.wait.ms=250", "-X", "fetch.min.bytes=10", "-X", "fetch.max.bytes=1000"],
    ...["-X", "max.partition.fetch.bytes=500", "-X", "queued.max.messages.kbytes=64"],
    ...["-X", "check.crcs=false", "-X", "auto.offset.reset=error", "-X", "retry.backoff.ms=7"],
    ...["-X", "fetchSessions=false", "-X", "client.id=tool"],
  ]);
  assert.deepEqual(s.consumer, {
    offsetOutOfRange: "error",
    maxWaitMs: 250,
    minBytes: 10,
    maxBytes: 1000,
    maxPartitionBytes: 500,
    partitionBufferBytes: 64 * 1024,
    checkCrc: false,
    retryBackoffMs: 7,
    fetchSessions: false,
  });
  // Java's retry.backoff.ms is one setting for the whole client.
  assert.equal(s.client.retryBackoffMs, 7);
  assert.equal(s.client.clientId, "tool");
  for (const [value, policy] of [["smallest", "oldest"], ["latest", "newest"], ["none", "error"]]) {
    assert.equal(
      settings(["-t", "t", "-X", `auto.offset.reset=${value}`]).consumer.offsetOutOfRange,
      policy,
    );
  }
  assert.throws(() => settings(["-t", "t", "-X", "isolation.level=dirty"]), {
    name: "UsageError",
    message: /read_committed or read_uncommitted/,
  });
  assert.throws(() => settings(["-t", "t", "-X", "fetch.min.bytes=lots"]), {
    message: /must be a number/,
  });
});

test("consume refuses -G, a missing topic, bad -p and -c, and reads -p -1 as every partition", () => {
  assert.throws(() => settings(["-t", "t", "-G", "group"]), {
    name: "UsageError",
    message: /consumer groups are not supported yet/,
  });
  assert.throws(() => settings([]), { message: /no topic is given/ });
  assert.throws(() => settings(["-t", "t", "-p", "x"]), { message: /partition number/ });
  assert.throws(() => settings(["-t", "t", "-c", "0"]), { message: /from 1/ });
  assert.throws(() => settings(["-t", "t", "-c", "2.5"]), { message: /from 1/ });
  assert.equal(settings(["-t", "t", "-p", "-1"]).partition, undefined);
  assert.equal(settings(["-t", "t", "-p", "2", "-c", "5"]).partition, 2);
  assert.equal(settings(["-t", "t", "-c", "5"]).count, 5);
});

test("-D '' runs records together, as kcat allows when consuming", () => {
  const s = settings(["-t", "t", "-D", "", "-K", "="]);
  assert.equal(dec.decode(s.formatter.format("t", 0, [record(), record()])), "key=valuekey=value");
});

function captureIo(extra: Partial<ConsumeIo> = {}): ConsumeIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (s: string) => Promise.resolve(void (io.out += s)),
    stderr: (s: string) => Promise.resolve(void (io.err += s)),
    env: () => undefined,
    ...extra,
  };
  return io;
}

test("kanal consume exits 2 on a bad -o or an unknown -X, before reaching any broker", async () => {
  const io = captureIo();
  // Port 1: nothing listens, so reaching the network would fail with exit code 1 instead.
  assert.equal(
    await runCli(["-C", "-b", "127.0.0.1:1", "-t", "t", "-o", "later"], [consumeCommand], io),
    2,
  );
  assert.match(io.err, /Cannot use -o as it must be beginning, end/);
  const io2 = captureIo();
  assert.equal(
    await runCli(
      ["consume", "-b", "127.0.0.1:1", "-t", "t", "-X", "fetch.wait.max=5"],
      [consumeCommand],
      io2,
    ),
    2,
  );
  assert.match(io2.err, /neither a client nor a consumer option: did you mean "fetch.wait.max.ms"/);
  const io3 = captureIo();
  assert.equal(
    await runCli(["consume", "-b", "b:1", "-t", "t", "extra"], [consumeCommand], io3),
    2,
  );
  assert.match(io3.err, /consume takes no arguments/);
});

test("kanal consume interrupted before it starts exits 0 without connecting", async () => {
  const stopped = new AbortController();
  stopped.abort();
  const io = captureIo({ interrupted: () => stopped.signal });
  assert.equal(await runCli(["consume", "-b", "127.0.0.1:1", "-t", "t"], [consumeCommand], io), 0);
  assert.equal(io.out + io.err, "");
});
