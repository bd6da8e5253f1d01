// Copyright 2026 the kanal authors. MIT license.
// Decompression bombs: a few bytes that declare a huge output must fail with a typed error
// without reserving memory by what they declare. The allocations are observed by wrapping the
// global Uint8Array constructor for the duration of one synchronous call.
import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { DecompressionLimitError, DEFAULT_MAX_DECOMPRESSED_BYTES } from "./codec.ts";
import { MalformedDataError } from "../kafka_error.ts";
import { snappyCompress, snappyDecompress } from "./snappy.ts";
import { lz4Compress, lz4Decompress } from "./lz4.ts";
import { zstdDecompressPortable } from "./zstd_decoder.ts";
import { xxhash32 } from "./xxhash32.ts";
import { xxhash64Low32 } from "./xxhash64.ts";
import { loadNodeZlib } from "./zlib_node.ts";

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

/** Runs `fn` and returns what it threw and the largest Uint8Array it asked for, in bytes. */
function largestAllocation(fn: () => unknown): { thrown: unknown; largest: number } {
  const Original = globalThis.Uint8Array;
  let largest = 0;
  globalThis.Uint8Array = new Proxy(Original, {
    construct(target, args, newTarget) {
      if (typeof args[0] === "number") largest = Math.max(largest, args[0]);
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    fn();
    return { thrown: undefined, largest };
  } catch (e) {
    return { thrown: e, largest };
  } finally {
    globalThis.Uint8Array = Original;
  }
}

/** An LZ4 frame header with a content size, and its header checksum. */
function lz4Header(contentSize: number): Uint8Array {
  const h = new Uint8Array(15);
  h.set([0x04, 0x22, 0x4d, 0x18, 0x68, 0x40]);
  new DataView(h.buffer).setUint32(6, contentSize % 2 ** 32, true);
  new DataView(h.buffer).setUint32(10, Math.floor(contentSize / 2 ** 32), true);
  h[14] = (xxhash32(h, 0, 4, 14) >>> 8) & 0xff;
  return h;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const LIMIT = 64 << 20;
const bombs: [string, Uint8Array, (d: Uint8Array, max?: number) => Uint8Array][] = [
  // A preamble declaring 64 MiB - 1, then one literal byte.
  ["snappy, raw block", hex("ffffff1f" + "0061"), snappyDecompress],
  // xerial header, one chunk of 5 bytes declaring 64 MiB - 1.
  [
    "snappy, xerial framed",
    hex("82534e41505059000000000100000001" + "00000005" + "ffffff1f00"),
    snappyDecompress,
  ],
  // Content size 64 MiB - 1, then the end mark.
  ["lz4, with a content size", concat(lz4Header(LIMIT - 1), hex("00000000")), lz4Decompress],
  // Single segment, 4-byte content size 64 MiB - 1, then a last empty raw block.
  [
    "zstd, with a content size",
    hex("28b52ffd" + "a0" + "ffffff03" + "010000"),
    zstdDecompressPortable,
  ],
];

for (const [name, bomb, decode] of bombs) {
  test(`${name}: ${bomb.length} bytes declaring 64 MiB fail typed without reserving it`, () => {
    for (const max of [LIMIT, undefined]) {
      const { thrown, largest } = largestAllocation(() => decode(bomb, max));
      assert.ok(
        thrown instanceof MalformedDataError || thrown instanceof DecompressionLimitError,
        String(thrown),
      );
      assert.ok(largest <= 64 * 1024, `largest allocation ${largest} bytes with limit ${max}`);
    }
  });
}

test("the exported decompressors default to the 64 MiB limit, not 2 GiB", () => {
  // 2 GiB - 1 declared: past the default limit, so refused before decoding.
  for (
    const [name, bomb, decode] of [
      ["snappy", hex("ffffffff07" + "0061"), snappyDecompress],
      ["lz4", concat(lz4Header(2 ** 31 - 1), hex("00000000")), lz4Decompress],
      ["zstd", hex("28b52ffd" + "a0" + "ffffff7f" + "010000"), zstdDecompressPortable],
    ] as const
  ) {
    const err = largestAllocation(() => decode(bomb)).thrown;
    assert.ok(err instanceof DecompressionLimitError, `${name}: ${err}`);
    assert.equal(err.limit, DEFAULT_MAX_DECOMPRESSED_BYTES, name);
  }
});

test("genuine data still decompresses, in one or a few allocations near its size", () => {
  const data = new TextEncoder().encode("kafka records compress well ".repeat(40_000));
  for (
    const [name, packed, decode] of [
      ["snappy", snappyCompress(data), snappyDecompress],
      ["lz4", lz4Compress(data), lz4Decompress],
    ] as const
  ) {
    let out: Uint8Array | undefined;
    const { thrown, largest } = largestAllocation(() => out = decode(packed, LIMIT));
    assert.equal(thrown, undefined, name);
    assert.deepEqual(out, data, name);
    assert.ok(largest <= 2 * data.length, `${name}: largest allocation ${largest}`);
  }
});

test("lz4 checks the content size a frame declares against what it decodes", () => {
  // A raw block of 2 bytes in a frame that declares 3, then 1.
  for (const declared of [3, 1]) {
    const frame = concat(lz4Header(declared), hex("02000080" + "6869" + "00000000"));
    assert.throws(() => lz4Decompress(frame), MalformedDataError, `declared ${declared}`);
  }
  const frame = concat(lz4Header(2), hex("02000080" + "6869" + "00000000"));
  assert.equal(new TextDecoder().decode(lz4Decompress(frame)), "hi");
});

test("the portable zstd decoder checks the content checksum when the frame has one", async () => {
  // Single segment with checksum, content size 2, a last raw block "hi", then the checksum.
  const body = hex("28b52ffd" + "24" + "02" + "110000" + "6869");
  const sum = new Uint8Array(4);
  new DataView(sum.buffer).setUint32(0, xxhash64Low32(new TextEncoder().encode("hi")), true);
  assert.equal(new TextDecoder().decode(zstdDecompressPortable(concat(body, sum))), "hi");
  sum[0]! ^= 1;
  assert.throws(() => zstdDecompressPortable(concat(body, sum)), MalformedDataError);
  // And against the reference encoder where the runtime has one.
  const zlib = (await loadNodeZlib()) as
    | null
    | {
      zstdCompressSync?: (d: Uint8Array, o: unknown) => Uint8Array;
      constants: Record<string, number>;
    };
  if (zlib?.zstdCompressSync) {
    const data = new TextEncoder().encode("checksummed ".repeat(5000));
    const params = { [zlib.constants.ZSTD_c_checksumFlag!]: 1 };
    const packed = new Uint8Array(zlib.zstdCompressSync(data, { params }));
    assert.deepEqual(zstdDecompressPortable(packed), data);
    packed[packed.length - 1]! ^= 0x80;
    assert.throws(() => zstdDecompressPortable(packed), MalformedDataError);
  }
});
