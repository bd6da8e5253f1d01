import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { zstdAvailable, zstdCompress, zstdDecompress } from "./zstd.ts";
import { DecompressionLimitError } from "./codec.ts";
import { MalformedDataError } from "../kafka_error.ts";

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));

// "hello kafka\n" as written by the zstd command-line tool (level 3, with checksum).
const CLI_FRAME = hex("28b52ffd045861000068656c6c6f206b61666b610af62c6bcb");

test("zstd decompresses and compresses with the native codec of Deno and Bun", async () => {
  assert.equal(new TextDecoder().decode(await zstdDecompress(CLI_FRAME)), "hello kafka\n");
  // Both test runtimes ship native zstd in node:zlib; a runtime without it (workerd, Node 20) is
  // refused with code 76 on compress, which tests/workerd_transport_test.ts and the Node program
  // in tests/transport_test.ts check there.
  assert.equal(await zstdAvailable(), true, "node:zlib has zstd in this runtime");
  const data = new TextEncoder().encode("kafka ".repeat(1000));
  const packed = await zstdCompress(data);
  assert.deepEqual(Array.from(packed.subarray(0, 4)), [0x28, 0xb5, 0x2f, 0xfd]);
  assert.deepEqual(await zstdDecompress(packed), data);
  await assert.rejects(async () => await zstdDecompress(packed, 100), DecompressionLimitError);
  await assert.rejects(
    async () => await zstdDecompress(hex("28b52ffd00ffffff")),
    MalformedDataError,
  );
});
