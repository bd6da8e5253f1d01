import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { codecFor, compress, decompress, prepareCodecs, registerCodec } from "./codec_registry.ts";
import { type CompressionName, DecompressionLimitError } from "./codec.ts";
import { zstdAvailable } from "./zstd.ts";
import { KafkaError, MalformedDataError } from "../kafka_error.ts";

const data = new TextEncoder().encode("registry ".repeat(300));

test("compress and decompress round-trip through every codec", async () => {
  await prepareCodecs();
  assert.equal(await zstdAvailable(), true, "node:zlib has zstd in this runtime");
  const names: CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];
  for (const name of names) {
    const packed = await compress(name, data);
    if (name !== "none") assert.ok(packed.length < data.length / 4, name);
    assert.deepEqual(await decompress(name, packed), data, name);
  }
});

test("snappy and lz4 are synchronous everywhere", () => {
  for (const name of ["snappy", "lz4"] as const) {
    const packed = compress(name, data);
    assert.ok(packed instanceof Uint8Array);
    assert.ok(decompress(name, packed) instanceof Uint8Array);
  }
});

test("codecFor refuses unknown codec ids with code 76", () => {
  for (const id of [0, 5, 7, -1]) {
    assert.throws(() => codecFor(id), (e) => e instanceof KafkaError && e.code === 76, String(id));
  }
});

test("registerCodec replaces a codec and its errors come out typed", () => {
  const original = codecFor("lz4");
  try {
    registerCodec({
      id: 3,
      name: "lz4",
      compress: (d) => d,
      decompress: () => {
        throw new Error("native library exploded");
      },
    });
    assert.equal(compress("lz4", data), data);
    assert.throws(() => decompress("lz4", data), MalformedDataError);
  } finally {
    registerCodec(original);
  }
  assert.throws(() => registerCodec({ ...original, id: 9 }), RangeError);
});

test("decompress passes the size limit to the codec", () => {
  const packed = compress("snappy", data) as Uint8Array;
  assert.throws(() => decompress("snappy", packed, 100), DecompressionLimitError);
});
