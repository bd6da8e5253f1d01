import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { lz4Compress, lz4Decompress } from "./lz4.ts";
import { DecompressionLimitError } from "./codec.ts";
import { MalformedDataError } from "../kafka_error.ts";

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function sample(n: number, alphabet: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = 97 + ((s >>> 16) % alphabet);
  }
  return b;
}

// Frames written by the lz4 command-line tool (v1.9) for the same 47-byte input; each sets
// different frame options (header flags, block checksum, content size, content checksum).
const INPUT = "hello hello hello hello hello kafka kafka kafka";
const CLI_FRAMES: Record<string, string> = {
  "default (content checksum)":
    "04224d186440a71d0000006f68656c6c6f20060005f0026b61666b61206b61666b61206b61666b61000000003e266ee3",
  "block checksum":
    "04224d187440bd1d0000006f68656c6c6f20060005f0026b61666b61206b61666b61206b61666b61d24c0262000000003e266ee3",
  "content size":
    "04224d186c402f00000000000000581d0000006f68656c6c6f20060005f0026b61666b61206b61666b61206b61666b61000000003e266ee3",
  "no checksums":
    "04224d186040821d0000006f68656c6c6f20060005f0026b61666b61206b61666b61206b61666b6100000000",
};

test("lz4Decompress reads frames from the reference lz4 tool with every option", () => {
  for (const [name, frame] of Object.entries(CLI_FRAMES)) {
    assert.equal(text(lz4Decompress(hex(frame))), INPUT, name);
  }
});

test("lz4Decompress reads linked (dependent) blocks across 64 KiB block boundaries", () => {
  // lz4 -BD -B4 of 300,000 bytes of one repeated 46-byte line.
  const frame = hex(
    "04224d1844405e39010000ff1f6b61666b61207265636f7264206261746368206c7a34206c696e6b656420626c6f636b2074657374206c696e650a2e00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffba50656420626c0a0100000fe0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe850626174636839010000ff1f206c7a34206c696e6b656420626c6f636b2074657374206c696e650a6b61666b61207265636f72642062617463682e00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffba500a6b61666b0a0100000fe0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe8506c6f636b20cd000000ff1f74657374206c696e650a6b61666b61207265636f7264206261746368206c7a34206c696e6b656420626c6f636b202e00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff2e5020626c6f6300000000df31742b",
  );
  const line = "kafka record batch lz4 linked block test line\n";
  const want = line.repeat(Math.ceil(300000 / line.length)).slice(0, 300000);
  assert.equal(text(lz4Decompress(frame)), want);
});

test("lz4Compress writes the frame header Kafka's Java client expects", () => {
  const frame = lz4Compress(new TextEncoder().encode(INPUT));
  // magic, FLG = version 1 + independent blocks, BD = 64 KiB, header checksum as the CLI's.
  assert.deepEqual(Array.from(frame.subarray(0, 7)), [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
  assert.deepEqual(Array.from(frame.subarray(frame.length - 4)), [0, 0, 0, 0]);
});

test("lz4 round-trips data of every size and entropy", () => {
  for (const n of [0, 1, 4, 12, 13, 17, 100, 4096, 65535, 65536, 65537, 200_000]) {
    for (const alphabet of [1, 2, 26, 256]) {
      const data = sample(n, alphabet, n * 31 + alphabet);
      assert.deepEqual(lz4Decompress(lz4Compress(data)), data, `n=${n} alphabet=${alphabet}`);
    }
  }
});

test("lz4Compress shrinks repetitive data and stores incompressible blocks raw", () => {
  assert.ok(lz4Compress(new Uint8Array(100_000)).length < 1000);
  const noise = Uint8Array.from(
    { length: 70_000 },
    (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff,
  );
  const frame = lz4Compress(noise);
  assert.ok(frame.length <= noise.length + 7 + 4 * 2 + 4);
  assert.deepEqual(lz4Decompress(frame), noise);
});

test("lz4Decompress accepts the header checksum old Kafka clients computed over the magic too", () => {
  // KAFKA-3160: (xxh32(magic+FLG+BD) >> 8) & 0xff. kafka-clients 4.2.2 still writes 0x1a for
  // 04224d18 60 40 when building a magic 0 message set (seen in its LZ4 wrapper bytes).
  const broken = hex("04224d1860401a02000080686900000000");
  assert.equal(text(lz4Decompress(broken)), "hi");
});

test("lz4Decompress refuses bad frames with MalformedDataError", () => {
  const good = hex(CLI_FRAMES["block checksum"]!);
  const cases: [string, Uint8Array][] = [
    ["wrong magic", hex("05224d186040820000000000")],
    ["wrong header checksum", hex("04224d186040830000000000")],
    ["truncated", good.subarray(0, good.length - 10)],
    ["bad block checksum", Uint8Array.from(good, (b, i) => (i === 20 ? b ^ 1 : b))],
    ["bad content checksum", Uint8Array.from(good, (b, i) => (i === good.length - 1 ? b ^ 1 : b))],
    ["offset before start", hex("04224d186040820500000010ffff000000000000")],
    ["dictionary id", hex("04224d186140")],
  ];
  for (const [name, frame] of cases) {
    assert.throws(() => lz4Decompress(frame), MalformedDataError, name);
  }
});

test("lz4Decompress stops at the size limit", () => {
  const frame = lz4Compress(new Uint8Array(500_000));
  assert.throws(() => lz4Decompress(frame, 100_000), DecompressionLimitError);
  assert.equal(lz4Decompress(frame, 500_000).length, 500_000);
  // A declared content size past the limit fails before anything is allocated.
  const declared = hex("04224d186c40ffffffffff000000" + "00" + "00000000");
  assert.throws(
    () => lz4Decompress(declared, 1 << 20),
    (e) => e instanceof DecompressionLimitError || e instanceof MalformedDataError,
  );
});
