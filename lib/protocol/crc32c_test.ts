import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { crc32c } from "./crc32c.ts";

/** A bit-at-a-time CRC-32C straight from the definition, to check the fast tables against. */
function slowCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test("crc32c matches the RFC 3720 B.4 test vectors", () => {
  const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
  const descending = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(ascending), 0x46dd794e);
  assert.equal(crc32c(descending), 0x113fdb5c);
});

test("crc32c of 123456789 is the catalogue check value", () => {
  assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
});

test("crc32c of nothing is zero", () => {
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test("crc32c agrees with a bitwise implementation at every length and alignment", () => {
  const data = new Uint8Array(300);
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = seed >>> 24;
  }
  for (let start = 0; start < 9; start++) {
    for (let len = 0; len + start <= data.length; len += 7) {
      const part = data.subarray(start, start + len);
      assert.equal(crc32c(part), slowCrc32c(part), `start ${start} length ${len}`);
    }
  }
});

test("crc32c continues a checksum over data split at any point", () => {
  const data = new TextEncoder().encode("The quick brown fox jumps over the lazy dog, twice over.");
  const whole = crc32c(data);
  for (let cut = 0; cut <= data.length; cut++) {
    assert.equal(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut))), whole);
  }
});
