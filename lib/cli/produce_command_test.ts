// Copyright 2026 the kanal authors. MIT license.
// kanal produce without a broker: how stdin becomes records, and how flags become options.
// tests/cli_produce_test.ts runs the command against a real broker with kcat as the witness.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { ProducerRecord } from "../producer/producer_record.ts";
import { parseArgs } from "./args.ts";
import type { CliIo } from "./command.ts";
import {
  type LineRecordOptions,
  lineRecords,
  parseDelimiter,
  parseHeader,
  produceCommand,
  produceOptionsFromArgs,
  type StdinIo,
} from "./produce_command.ts";
import { runCli } from "./run_cli.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

type Seen = [key: string | null, value: string];

function show(v: Uint8Array | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : dec.decode(v);
}

/** Feeds `chunks` through lineRecords and returns [key, value] per record and the arrays. */
async function split(
  chunks: Uint8Array[],
  options: Partial<LineRecordOptions> = {},
): Promise<{ seen: Seen[]; arrays: ProducerRecord[][] }> {
  const arrays: ProducerRecord[][] = [];
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
  const out = source.pipeThrough(lineRecords({ topic: "t", ...options }));
  for await (const records of out) arrays.push(records);
  const seen = arrays.flat().map((r): Seen => [show(r.key), show(r.value)!]);
  return { seen, arrays };
}

/** What kcat -P (with \r\n also ending a line) makes of `text`, written plainly on strings. */
function reference(text: string, delimiter?: string): Seen[] {
  const out: Seen[] = [];
  for (let line of text.split("\n")) {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "") continue;
    const at = delimiter === undefined ? -1 : line.indexOf(delimiter);
    out.push(at < 0 ? [null, line] : [line.slice(0, at), line.slice(at + delimiter!.length)]);
  }
  return out;
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [0, ...at.filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b)];
  return points.map((p, i) => bytes.subarray(p, points[i + 1] ?? bytes.length));
}

test("lines end at \\n or \\r\\n, empty lines are skipped and a last line without newline counts", async () => {
  const { seen } = await split([enc.encode("a\r\n\nb\n\r\n\nlast")]);
  assert.deepEqual(seen, [[null, "a"], [null, "b"], [null, "last"]]);
});

test("a line split across chunks at every byte comes out whole", async () => {
  const text = "first:1\r\nsecond line:two\nkeyless\n:\nk:v:w\n\nend:";
  const bytes = enc.encode(text);
  const want = reference(text, ":");
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j += 3) {
      const { seen } = await split(cut(bytes, [i, j]), { keyDelimiter: enc.encode(":") });
      assert.deepEqual(seen, want, `cut at ${i} and ${j}`);
    }
  }
});

test("random lines in random chunks match the plain string reading", async () => {
  const alphabet = ["a", "b", "é", "€", "\t", "::", ":", "\r", "\n", "\n", "\r\n", "🙂"];
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    let text = "";
    const length = rnd(60);
    for (let i = 0; i < length; i++) text += alphabet[rnd(alphabet.length)];
    const bytes = enc.encode(text);
    const at = Array.from({ length: rnd(6) }, () => rnd(bytes.length + 1));
    for (const delimiter of [undefined, ":", "::", "\t"]) {
      const { seen } = await split(cut(bytes, at), {
        keyDelimiter: delimiter === undefined ? undefined : enc.encode(delimiter),
      });
      assert.deepEqual(seen, reference(text, delimiter), JSON.stringify({ text, at, delimiter }));
    }
  }
});

test("records carry the topic, headers and partition, and values are views of the input", async () => {
  const headers = [{ key: "h", value: enc.encode("1") }];
  const chunk = enc.encode("x\ny\n");
  const { arrays } = await split([chunk], { topic: "orders", headers, partition: 3 });
  assert.equal(arrays.length, 1, "one array per chunk");
  const [a, b] = arrays[0]!;
  assert.equal(a!.topic, "orders");
  assert.equal(a!.partition, 3);
  assert.equal(a!.headers, headers);
  assert.equal(b!.headers, headers);
  assert.equal((a!.value as Uint8Array).buffer, chunk.buffer, "no copy");
});

test("a chunk without a whole line yields no array, and the line comes with the next", async () => {
  const { arrays } = await split([enc.encode("abc"), enc.encode("def"), enc.encode("g\nh")]);
  assert.deepEqual(arrays.map((a) => a.map((r) => show(r.value))), [["abcdefg"], ["h"]]);
});

test("an empty key delimiter is refused", () => {
  assert.throws(() => lineRecords({ topic: "t", keyDelimiter: new Uint8Array(0) }), RangeError);
  assert.throws(() => parseDelimiter(""), { name: "UsageError" });
});

test("delimiters take kcat's escapes and plain UTF-8", () => {
  assert.deepEqual([...parseDelimiter("\\n")], [10]);
  assert.deepEqual([...parseDelimiter("\\r\\n")], [13, 10]);
  assert.deepEqual([...parseDelimiter("\\\\")], [92]);
  assert.deepEqual([...parseDelimiter("\\0")], [0]);
  assert.deepEqual([...parseDelimiter("\\xFF")], [255]);
  assert.deepEqual([...parseDelimiter("€")], [...enc.encode("€")]);
  assert.deepEqual([...parseDelimiter("a\\")], [97, 92]);
  assert.deepEqual([...parseDelimiter("\\q")], [92, 113]);
  assert.throws(() => parseDelimiter("\\x4"), { name: "UsageError" });
  assert.throws(() => parseDelimiter("\\xZZ"), { name: "UsageError" });
});

test("headers split at the first = and a bare name has a null value, as in kcat", () => {
  const h = parseHeader("a=b=c");
  assert.equal(h.key, "a");
  assert.equal(show(h.value), "b=c");
  assert.equal(show(parseHeader("e=").value), "");
  assert.equal(parseHeader("n").value, null);
  assert.throws(() => parseHeader("=x"), { name: "UsageError" });
});

const parse = (argv: string[]) => produceOptionsFromArgs(parseArgs(argv, produceCommand.flags));
const BASE = ["-b", "h:1", "-t", "t"];

test("kcat's and Java's producer names map to kanal's options", () => {
  const s = parse([
    ...BASE,
    ...["-X", "linger.ms=7", "-X", "batch.size=1000", "-X", "batch.num.messages=50"],
    ...["-X", "queue.buffering.max.kbytes=2", "-X", "enable.idempotence=true"],
    ...["-X", "message.max.bytes=300", "-X", "max.request.size=4096", "-X", "max.block.ms=9"],
    ...["-X", "compression.type=GZIP", "-X", "delivery.timeout.ms=500", "-X", "retries=3"],
  ]);
  assert.deepEqual(s.producer, {
    lingerMs: 7,
    batchBytes: 1000,
    batchRecords: 50,
    maxBufferedBytes: 2048,
    idempotent: true,
    maxRecordBytes: 300,
    maxRequestBytes: 4096,
    maxBlockMs: 9,
    compression: "gzip",
    deliveryTimeoutMs: 500,
    retries: 3,
  });
  assert.deepEqual(s.client, { brokers: "h:1" });
});

test("kanal's own names reach the producer, and shared options reach the client too", () => {
  const s = parse([
    ...BASE,
    ...["-X", "lingerMs=3", "-X", "maxRecordBytes=100", "-X", "request.timeout.ms=900"],
    ...["-X", "maxInFlight=2", "-X", "client.id=me", "-X", "allow.auto.create.topics=false"],
  ]);
  assert.deepEqual(s.producer, {
    lingerMs: 3,
    maxRecordBytes: 100,
    requestTimeoutMs: 900,
    maxInFlight: 2,
  });
  assert.deepEqual(s.client, {
    brokers: "h:1",
    requestTimeoutMs: 900,
    maxInFlight: 2,
    clientId: "me",
    allowAutoTopicCreation: false,
  });
});

test("acks other than all turns idempotence off unless it was asked for", () => {
  for (const [acks, want] of [["1", "leader"], ["0", "none"], ["-1", "all"], ["all", "all"]]) {
    const s = parse([...BASE, "-X", `acks=${acks}`]);
    assert.equal(s.producer.acks, want);
    assert.equal(s.producer.idempotent, want === "all" ? undefined : false);
  }
  const asked = parse([...BASE, "-X", "acks=1", "-X", "enable.idempotence=true"]);
  assert.equal(asked.producer.idempotent, true, "left for the producer to refuse");
  assert.equal(parse([...BASE, "-X", "max.in.flight=6"]).producer.idempotent, false);
  assert.throws(() => parse([...BASE, "-X", "acks=2"]), { name: "UsageError" });
});

test("-z wins over -X compression.codec, and names a codec", () => {
  assert.equal(
    parse([...BASE, "-X", "compression.codec=gzip", "-z", "zstd"]).producer.compression,
    "zstd",
  );
  assert.equal(parse([...BASE, "-z", "lz4"]).producer.compression, "lz4");
  assert.throws(() => parse([...BASE, "-z", "brotli"]), /must be one of none, gzip/);
});

test("-p takes a partition or kcat's -1, -K and -H shape the records", () => {
  assert.equal(parse([...BASE, "-p", "2"]).lines.partition, 2);
  assert.equal(parse([...BASE, "-p", "-1"]).lines.partition, undefined);
  assert.equal(parse(BASE).lines.partition, undefined);
  for (const bad of ["-2", "1.5", "x", ""]) {
    assert.throws(() => parse([...BASE, "-p", bad]), { name: "UsageError" }, bad);
  }
  const s = parse([...BASE, "-K", "\\t", "-H", "a=1", "-H", "b"]);
  assert.deepEqual([...s.lines.keyDelimiter!], [9]);
  assert.deepEqual(s.lines.headers!.map((h) => [h.key, show(h.value)]), [["a", "1"], ["b", null]]);
  assert.equal(parse(BASE).lines.headers, undefined);
});

test("partitioner names pick a partitioner", () => {
  for (const name of ["default", "murmur2", "murmur2_random", "fnv1a", "random", "round-robin"]) {
    const p = parse([...BASE, "-X", `partitioner=${name}`]).producer.partitioner;
    assert.equal(typeof p?.partition, "function", name);
  }
  // murmur2 and fnv1a place "foobar" differently among 7 partitions, so the names matter.
  const place = (name: string) =>
    parse([...BASE, "-X", `partitioner=${name}`]).producer.partitioner!.partition(
      "t",
      "foobar",
      7,
      [0, 1, 2, 3, 4, 5, 6],
      10,
    );
  assert.notEqual(place("murmur2"), place("fnv1a"));
  assert.throws(() => parse([...BASE, "-X", "partitioner=consistent"]), { name: "UsageError" });
});

test("bad values and a missing topic are usage errors", () => {
  assert.throws(() => parse(["-b", "h:1"]), /no topic is given/);
  assert.throws(() => parse([...BASE, "-X", "linger.ms=soon"]), { name: "UsageError" });
  assert.throws(() => parse([...BASE, "-X", "enable.idempotence=yes"]), { name: "UsageError" });
  assert.throws(() => parse(["-t", "t"]), /no brokers/);
});

function capture(withStdin: boolean): { io: CliIo | StdinIo; err: () => string } {
  let err = "";
  const io: CliIo = {
    stdout: () => Promise.resolve(),
    stderr: (s) => {
      err += s;
      return Promise.resolve();
    },
    env: () => undefined,
  };
  const stdin = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  return { io: withStdin ? { ...io, stdin } : io, err: () => err };
}

test("the command refuses arguments and bad flags with exit code 2 before connecting", async () => {
  const { io, err } = capture(true);
  assert.equal(await runCli(["produce", "-b", "h:1", "-t", "t", "extra"], [produceCommand], io), 2);
  assert.match(err(), /produce takes no arguments/);
  assert.equal(await runCli(["-P", "-b", "h:1", "-t", "t", "-q"], [produceCommand], io), 2);
  assert.match(err(), /Unknown flag "-q"/);
  assert.equal(await runCli(["-P", "-b", "h:1"], [produceCommand], io), 2);
  assert.match(err(), /no topic is given/);
});

test("the command needs a standard input", async () => {
  const { io, err } = capture(false);
  assert.equal(await runCli(["produce", "-b", "h:1", "-t", "t"], [produceCommand], io), 2);
  assert.match(err(), /no standard input/);
});

test("-X transactional.id, transaction.timeout.ms and transaction.records", () => {
  const s = parse([
    ...BASE,
    ...["-X", "transactional.id=loader-1", "-X", "transaction.timeout.ms=9000"],
    ...["-X", "transaction.records=500"],
  ]);
  assert.equal(s.producer.transactionalId, "loader-1");
  assert.equal(s.producer.transactionTimeoutMs, 9000);
  assert.equal(s.transactionRecords, 500);
  assert.equal(parse(BASE).transactionRecords, undefined);
  assert.throws(() => parse([...BASE, "-X", "transaction.records=10"]), {
    name: "UsageError",
    message: /without -X transactional.id/,
  });
  for (const bad of ["0", "1.5", "many"]) {
    assert.throws(
      () => parse([...BASE, "-X", "transactional.id=a", "-X", `transaction.records=${bad}`]),
      { name: "UsageError", message: /transaction.records/ },
    );
  }
});
