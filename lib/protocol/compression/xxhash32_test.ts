import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { xxhash32 } from "./xxhash32.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

// Expected values from lz4-java's XXHashFactory.safeInstance().hash32() (kafka-clients' own).
test("xxhash32 matches lz4-java for short and long inputs and two seeds", () => {
  const cases: [string, number, number][] = [
    ["", 0, 0x02cc5d05],
    ["", 0x9747b28c, 0x8d3b42d8],
    ["a", 0, 0x550d7456],
    ["a", 0x9747b28c, 0x12b7e114],
    ["abc", 0, 0x32d153ff],
    ["abc", 0x9747b28c, 0x4d4cb222],
    ["0123456789abcdef", 0, 0xc2c45b69],
    ["0123456789abcdef", 0x9747b28c, 0x59ac4ea7],
    ["Nobody inspects the spammish repetition", 0, 0xe2293b2f],
    ["Nobody inspects the spammish repetition", 0x9747b28c, 0x70b91719],
  ];
  for (const [s, seed, want] of cases) {
    assert.equal(xxhash32(utf8(s), seed), want, `"${s}" seed ${seed}`);
  }
  const pattern = Uint8Array.from({ length: 101 }, (_, i) => (i * 7) & 0xff);
  assert.equal(xxhash32(pattern), 0xb9ea00dc);
});

test("xxhash32 hashes only the given range", () => {
  const padded = utf8("xxabcyy");
  assert.equal(xxhash32(padded, 0, 2, 5), 0x32d153ff);
});
