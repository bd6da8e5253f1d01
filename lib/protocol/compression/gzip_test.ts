import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { gzipCompress, gzipDecompress, pumpStream } from "./gzip.ts";
import { DecompressionLimitError } from "./codec.ts";
import { loadNodeZlib } from "./zlib_node.ts";
import { MalformedDataError } from "../kafka_error.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));

// "hello kafka\n" as written by GNU gzip -n (no name, no time).
const GNU_GZIP = hex("1f8b0800000000000003cb48cdc9c957c84e4ccb4ee40200a4656fc30c000000");

test("gzipDecompress reads GNU gzip output", async () => {
  assert.equal(new TextDecoder().decode(await gzipDecompress(GNU_GZIP)), "hello kafka\n");
});

test("gzip round-trips through node:zlib where the runtime has it", async () => {
  const data = bytes("kafka ".repeat(1000));
  const packed = await gzipCompress(data);
  assert.deepEqual([packed[0], packed[1]], [0x1f, 0x8b]);
  assert.ok(packed.length < 200);
  assert.deepEqual(await gzipDecompress(packed), data);
  // Once node:zlib is known, gzip runs synchronously (no promise) in Deno, Bun and Node.
  if (await loadNodeZlib()) assert.ok(gzipCompress(data) instanceof Uint8Array);
});

test("gzip through web streams round-trips and enforces the limit", async () => {
  const data = bytes("stream ".repeat(5000));
  const packed = await pumpStream(new CompressionStream("gzip"), data, Infinity, "gzip");
  assert.deepEqual(
    await pumpStream(new DecompressionStream("gzip"), packed, 1 << 20, "gzip"),
    data,
  );
  await assert.rejects(
    pumpStream(new DecompressionStream("gzip"), packed, 1000, "gzip"),
    DecompressionLimitError,
  );
  await assert.rejects(
    pumpStream(new DecompressionStream("gzip"), packed.subarray(0, 20), 1 << 20, "gzip"),
    MalformedDataError,
  );
});

test("gzipDecompress turns bad input and the limit into typed errors", async () => {
  await assert.rejects(
    async () => await gzipDecompress(bytes("not gzip at all")),
    MalformedDataError,
  );
  await assert.rejects(
    async () => await gzipDecompress(GNU_GZIP.subarray(0, 15)),
    MalformedDataError,
  );
  const bomb = await gzipCompress(new Uint8Array(1 << 20));
  await assert.rejects(async () => await gzipDecompress(bomb, 4096), DecompressionLimitError);
});
