// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { xxhash64Low32 } from "./xxhash64.ts";
import { loadNodeZlib } from "./zlib_node.ts";

const text = (s: string) => new TextEncoder().encode(s);

test("xxhash64Low32 matches the reference's published hashes", () => {
  assert.equal(xxhash64Low32(text("")), 0x51d8e999); // XXH64("") = ef46db3751d8e999
  assert.equal(xxhash64Low32(text("a")), 0xa98c6e5b); // d24ec4f1a98c6e5b
  assert.equal(xxhash64Low32(text("abc")), 0xad770999); // 44bc2cf5ad770999
});

test("xxhash64Low32 hashes only the given range", () => {
  const b = text("xxabcyy");
  assert.equal(xxhash64Low32(b, 2, 5), 0xad770999);
});

test("xxhash64Low32 agrees with the checksum native zstd writes, for every tail length", async () => {
  const zlib = (await loadNodeZlib()) as
    | null
    | {
      zstdCompressSync?: (d: Uint8Array, o: unknown) => Uint8Array;
      constants: Record<string, number>;
    };
  if (!zlib?.zstdCompressSync) return; // Node 20: no native zstd to compare with.
  const params = { [zlib.constants.ZSTD_c_checksumFlag!]: 1 };
  for (const n of [0, 1, 3, 4, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 100, 1000, 65549]) {
    const data = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
    const packed: Uint8Array = zlib.zstdCompressSync(data, { params });
    const want: number = new DataView(packed.buffer, packed.byteOffset + packed.length - 4)
      .getUint32(
        0,
        true,
      );
    assert.equal(xxhash64Low32(data), want, `length ${n}`);
  }
});
