// Copyright 2026 the kanal authors. MIT license.
// kanal consume without a broker: how flags become options and which mistakes exit 2.
// record_formatter_test.ts covers how records become bytes.
// tests/cli_consume_test.ts runs the command against a real broker with kcat as the oracle.
import { test } from "../../tests/_test.ts";
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

test("consume refuses a missing topic, bad -p and -c, and reads -p -1 as every partition", () => {
  assert.throws(() => settings([]), { message: /no topic is given/ });
  assert.throws(() => settings(["-t", "t", "-p", "x"]), { message: /partition number/ });
  assert.throws(() => settings(["-t", "t", "-c", "0"]), { message: /from 1/ });
  assert.throws(() => settings(["-t", "t", "-c", "2.5"]), { message: /from 1/ });
  assert.equal(settings(["-t", "t", "-p", "-1"]).partition, undefined);
  assert.equal(settings(["-t", "t", "-p", "2", "-c", "5"]).partition, 2);
  assert.equal(settings(["-t", "t", "-c", "5"]).count, 5);
  assert.deepEqual(settings(["-t", "t"]).topics, ["t"]);
  assert.throws(() => settings(["-t", "t", "extra"]), { message: /no arguments without -G/ });
});

test("-G takes kcat's topics after the flags, and -t, and starts new partitions at the end", () => {
  const s = settings(["-G", "billing", "-f", "%s\\n", "orders", "refunds"]);
  assert.deepEqual(s.topics, ["orders", "refunds"]);
  assert.deepEqual(s.group, {
    groupId: "billing",
    startOffset: "newest",
    config: {},
    quiet: false,
  });
  // An offset out of range restarts where a partition with no commit starts, as in kcat.
  assert.deepEqual(s.consumer, { offsetOutOfRange: "newest" });
  assert.deepEqual(s.range, { start: { kind: "newest" } });
  assert.equal(s.exitAtEnd, false);
  const t = settings(["-G", "billing", "-t", "orders", "refunds", "-e", "-c", "7", "-q"]);
  assert.deepEqual(t.topics, ["orders", "refunds"]);
  assert.equal(t.exitAtEnd, true);
  assert.equal(t.count, 7);
  assert.equal(t.group?.quiet, true);
  assert.deepEqual(settings(["-G", "g", "-t", "orders"]).topics, ["orders"]);
});

test("-G's -o beginning|end wins over -X auto.offset.reset, and stored leaves it be", () => {
  const start = (argv: string[]) => {
    const s = settings(["-G", "g", "t", ...argv]);
    assert.equal(s.consumer.offsetOutOfRange, s.group?.startOffset, argv.join(" "));
    assert.equal(s.group?.config.startOffset, undefined, "given once, as startOffset");
    return s.group?.startOffset;
  };
  assert.equal(start(["-o", "beginning"]), "oldest");
  assert.equal(start(["-o", "end"]), "newest");
  assert.equal(start(["-o", "stored"]), "newest");
  assert.equal(start(["-X", "auto.offset.reset=earliest"]), "oldest");
  assert.equal(start(["-X", "auto.offset.reset=earliest", "-o", "stored"]), "oldest");
  assert.equal(start(["-X", "auto.offset.reset=earliest", "-o", "end"]), "newest");
  assert.equal(start(["-X", "auto.offset.reset=latest", "-o", "beginning"]), "oldest");
  for (const bad of ["5", "-5", "s@1000", "e@1000", "later"]) {
    assert.throws(() => settings(["-G", "g", "t", "-o", bad]), {
      name: "UsageError",
      message: /resumes where the group committed/,
    }, bad);
  }
  assert.throws(() => settings(["-G", "g", "t", "-o", "end", "-o", "beginning"]), {
    message: /one too many/,
  });
  assert.throws(() => settings(["-G", "g", "t", "-X", "auto.offset.reset=none"]), {
    name: "UsageError",
    message: /needs a place to start/,
  });
});

test("-G refuses no topics, no group name and -p; group options need -G", () => {
  assert.throws(() => settings(["-G", "billing"]), {
    name: "UsageError",
    message: /member of group billing as no topic is given/,
  });
  assert.throws(() => settings(["-G", "", "t"]), { message: /names no group/ });
  assert.throws(() => settings(["-G", "g", "t", "-p", "0"]), {
    message: /Cannot use -p with -G as the group assigns the partitions/,
  });
  assert.throws(() => settings(["-t", "t", "-X", "session.timeout.ms=6000"]), {
    name: "UsageError",
    message: /needs a consumer group: consume with -G GROUP/,
  });
});

test("-G passes -X group options by Java's, librdkafka's and kanal's names", () => {
  const s = settings([
    ...["-G", "g", "orders"],
    ...["-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500"],
    ...["-X", "max.poll.interval.ms=20000", "-X", "group.instance.id=host-1"],
    ...["-X", "auto.commit.interval.ms=100", "-X", "enable.auto.commit=false"],
    ...["-X", "partition.assignment.strategy=cooperative-sticky"],
    ...["-X", "group.protocol=consumer", "-X", "group.remote.assignor=uniform"],
    ...["-X", "fetch.wait.max.ms=50", "-X", "client.id=cli"],
  ]);
  const { assignors, ...config } = s.group!.config;
  assert.deepEqual(config, {
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 20000,
    groupInstanceId: "host-1",
    autoCommitIntervalMs: 100,
    commit: false,
    protocol: "consumer",
    serverAssignor: "uniform",
  });
  assert.deepEqual(assignors?.map((a) => a.name), ["cooperative-sticky"]);
  assert.equal(s.consumer.maxWaitMs, 50);
  assert.equal(s.client.clientId, "cli");
  const kanal = settings(["-G", "g", "t", "-X", "sessionTimeoutMs=7000", "-X", "commit=true"]);
  assert.deepEqual(kanal.group?.config, { sessionTimeoutMs: 7000, commit: true });
  const java = settings([
    ...["-G", "g", "t", "-X"],
    "partition.assignment.strategy=org.apache.kafka.clients.consumer.RoundRobinAssignor, range",
  ]);
  assert.deepEqual(java.group?.config.assignors?.map((a) => a.name), ["roundrobin", "range"]);
  for (
    const [pair, message] of [
      ["partition.assignment.strategy=fair", /range, roundrobin, sticky or cooperative-sticky/],
      ["group.protocol=new", /classic or consumer/],
      ["enable.auto.commit=yes", /true or false/],
      ["session.timeout.ms=soon", /must be a number/],
      ["group.instance.id=", /must not be empty/],
    ] as const
  ) {
    assert.throws(() => settings(["-G", "g", "t", "-X", pair]), { name: "UsageError", message });
  }
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
  const io4 = captureIo();
  assert.equal(await runCli(["consume", "-b", "127.0.0.1:1", "-G", "g"], [consumeCommand], io4), 2);
  assert.match(io4.err, /no topic is given: name the topics after the flags/);
  const io5 = captureIo();
  assert.equal(
    await runCli(
      ["consume", "-b", "127.0.0.1:1", "-G", "g", "t", "-X", "heartbeat.interval=5"],
      [consumeCommand],
      io5,
    ),
    2,
  );
  assert.match(
    io5.err,
    /neither a client nor a consumer option: did you mean "heartbeat.interval.ms"/,
  );
});

test("kanal consume interrupted before it starts exits 0 without connecting", async () => {
  const stopped = new AbortController();
  stopped.abort();
  const io = captureIo({ interrupted: () => stopped.signal });
  assert.equal(await runCli(["consume", "-b", "127.0.0.1:1", "-t", "t"], [consumeCommand], io), 0);
  assert.equal(
    await runCli(["consume", "-b", "127.0.0.1:1", "-G", "g", "t"], [consumeCommand], io),
    0,
  );
  assert.equal(io.out + io.err, "");
});
