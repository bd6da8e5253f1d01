// Copyright 2026 the kanal authors. MIT license.
// kanal consume without a broker: how records become bytes, and how flags become options.
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
  RecordFormatter,
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

function formatted(format: string, records: KafkaRecord[], nullText?: string): string {
  const f = new RecordFormatter(format, nullText === undefined ? {} : { nullText });
  return dec.decode(f.format("orders", 3, records));
}

test("every format token prints what kcat prints for it", () => {
  const records = [
    record({
      offset: 2 ** 53 - 1,
      headers: [
        { key: "trace", value: enc.encode("a=b") },
        { key: "flag", value: null },
        { key: "empty", value: new Uint8Array(0) },
      ],
    }),
    record({ offset: 0, timestamp: -1, key: null, value: null }),
    record({ offset: 10, key: new Uint8Array(0), value: enc.encode("ünï 🙂") }),
  ];
  assert.equal(
    formatted("%t|%p|%o|%T|%k|%K|%s|%S|%h\n", records),
    "orders|3|9007199254740991|1700000000000|key|3|value|5|trace=a=b,flag=NULL,empty=\n" +
      "orders|3|0|-1||-1||-1|\n" +
      "orders|3|10|1700000000000||0|ünï 🙂|10|\n",
  );
});

test("%R prints the value size as a big-endian int32, -1 for a null value", () => {
  const f = new RecordFormatter("%R");
  const out = f.format("t", 0, [
    record({ value: new Uint8Array(784) }),
    record({ value: null }),
  ]);
  assert.deepEqual([...out], [0, 0, 0x03, 0x10, 0xff, 0xff, 0xff, 0xff]);
});

test("-Z prints NULL for a null or empty key or value, as kcat tests the length", () => {
  const records = [
    record({ key: null, value: new Uint8Array(0) }),
    record({ key: new Uint8Array(0), value: null }),
    record({ key: enc.encode("k"), value: enc.encode("v") }),
  ];
  assert.equal(
    formatted("%k:%s:%K:%S;", records, "NULL"),
    "NULL:NULL:-1:0;NULL:NULL:0:-1;k:v:1:1;",
  );
});

test("text between tokens takes kcat's backslash escapes and %% is a percent sign", () => {
  const f = new RecordFormatter(String.raw`%%\n\t\r\x1e\x41BC\65\0101\0x41\q\\\xg\xff-\x`);
  const bytes = [...f.format("t", 0, [record()])];
  assert.deepEqual(bytes, [
    37, // %%
    10,
    9,
    13,
    0x1e,
    0xbc, // \x41BC: every hex digit is read and the last byte kept, as kcat's strtoul and char
    65, // \65: decimal
    65, // \0101: octal
    65, // \0x41: hex
    113, // \q: q
    92, // \\: a backslash
    103, // \xg: kcat writes the character after the x
    0xff,
    45, // "-", then \x at the end prints nothing
  ]);
});

test("a lone % at the end or an unknown token is a usage error", () => {
  assert.throws(() => new RecordFormatter("%s%"), { name: "UsageError", message: /lone "%"/ });
  assert.throws(() => new RecordFormatter("%s %z"), {
    name: "UsageError",
    message: /%z is not a format token/,
  });
});

test("without -f a record is its value and a newline, or key, -K, value and -D", () => {
  const records = [record(), record({ key: null, value: enc.encode("v2") })];
  const plain = RecordFormatter.delimited(undefined, enc.encode("\n"));
  assert.equal(dec.decode(plain.format("t", 0, records)), "value\nv2\n");
  const keyed = RecordFormatter.delimited(enc.encode("%s"), enc.encode("\\n;"), {
    nullText: "NULL",
  });
  assert.equal(dec.decode(keyed.format("t", 0, records)), "key%svalue\\n;NULL%sv2\\n;");
});

test("the formatter grows its buffer for large records and formats only the range asked", () => {
  const big = new Uint8Array(300_000).fill(120);
  const f = new RecordFormatter("%o:%s\n");
  const records = [record({ offset: 1 }), record({ offset: 2, value: big }), record({ offset: 3 })];
  const out = f.format("t", 0, records, 1, 3);
  assert.equal(out.length, "2:".length + big.length + 1 + "3:value\n".length);
  assert.equal(dec.decode(out.subarray(0, 4)), "2:xx");
  assert.equal(dec.decode(out.subarray(out.length - 9)), "\n3:value\n");
  assert.equal(dec.decode(f.format("t", 0, records, 0, 1)), "1:value\n");
});

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
