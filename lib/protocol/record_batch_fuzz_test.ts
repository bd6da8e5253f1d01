import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { decodeRecordBatches, decodeRecordBatchesSync } from "./record_batch_decoder.ts";
import { encodeRecordBatch } from "./record_batch_encoder.ts";
import { controlRecord } from "./record_batch.ts";
import { JAVA_FIXTURES } from "./record_batch_test_fixtures.ts";
import { prepareCodecs } from "./compression/codec_registry.ts";
import type { CompressionName } from "./compression/codec.ts";
import { zstdAvailable } from "./compression/zstd.ts";
import { crc32c } from "./crc32c.ts";
import { KafkaError } from "./kafka_error.ts";

await prepareCodecs();
const CODECS: CompressionName[] = ["none", "gzip", "snappy", "lz4"];
if (await zstdAvailable()) CODECS.push("zstd");

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible case. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seeds(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = Object.values(JAVA_FIXTURES).map(hex);
  for (const compression of CODECS) {
    out.push(
      await encodeRecordBatch(
        [
          {
            key: "k",
            value: "value ".repeat(8),
            timestamp: 1000,
            headers: [{ key: "h", value: "x" }],
          },
          { key: null, value: null, timestamp: 900, headers: [{ key: "n", value: null }] },
          { key: utf8("bytes"), value: "ü€", timestamp: 2000, offsetDelta: 4 },
        ],
        { compression, baseOffset: 77n, producerId: 5n, producerEpoch: 1, baseSequence: 3 },
      ),
    );
  }
  const { key, value } = controlRecord("commit", 2);
  out.push(
    await encodeRecordBatch([{ key, value, timestamp: 1 }], { control: true, transactional: true }),
  );
  // Two batches back to back, so mutations also hit the boundary between them.
  out.push(new Uint8Array([...out[out.length - 1]!, ...out[out.length - 2]!]));
  return out;
}

const HOSTILE_INT32 = [0x7fffffff, -0x80000000, -1, 0, 1, 49, 61, 0x10000, 0x3fffffff];

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  let b = input.slice();
  const rounds = 1 + pick(3);
  for (let k = 0; k < rounds; k++) {
    const at = pick(Math.max(1, b.length));
    switch (pick(7)) {
      case 0: // flip one bit
        if (b.length) b[at] = b[at]! ^ (1 << pick(8));
        break;
      case 1: // set a byte to an edge value or noise
        if (b.length) b[at] = [0, 0xff, 0x7f, 0x80, 0x01, pick(256)][pick(6)]!;
        break;
      case 2: // overwrite 4 bytes with a hostile int32 (lengths, counts)
        if (at + 4 <= b.length) {
          new DataView(b.buffer, b.byteOffset).setInt32(
            at,
            HOSTILE_INT32[pick(HOSTILE_INT32.length)]!,
          );
        }
        break;
      case 3: // cut short
        b = b.subarray(0, pick(b.length + 1));
        break;
      case 4: { // insert noise
        const noise = Uint8Array.from({ length: 1 + pick(8) }, () => pick(256));
        b = new Uint8Array([...b.subarray(0, at), ...noise, ...b.subarray(at)]);
        break;
      }
      case 5: { // delete a run
        const n = 1 + pick(8);
        b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + n)]);
        break;
      }
      default: // set a varint-looking run (continuation bits everywhere)
        for (let i = at; i < Math.min(b.length, at + 1 + pick(10)); i++) b[i] = 0x80 | pick(128);
    }
  }
  // Half the time, fix up a v2 CRC so the mutation reaches the parser even with checks on.
  if (rnd() < 0.5 && b.length >= 61 && b[16] === 2) {
    const len = new DataView(b.buffer, b.byteOffset).getInt32(8);
    if (len >= 49 && 12 + len <= b.length) {
      new DataView(b.buffer, b.byteOffset).setUint32(17, crc32c(b.subarray(21, 12 + len)));
    }
  }
  return b;
}

function checkOutcome(run: () => void, label: () => string): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof KafkaError)) {
      assert.fail(`${label()} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    }
  }
}

test("20,000+ random mutations of valid batches only ever throw KafkaError", async () => {
  const inputs = await seeds();
  const rnd = prng(0x5eed);
  let decoded = 0;
  let rejected = 0;
  const total = 24_000;
  for (let i = 0; i < total; i++) {
    const source = inputs[i % inputs.length]!;
    const bytes = mutate(source, rnd);
    const options = { checkCrc: i % 3 === 0, maxDecompressedBytes: 1 << 20 };
    const label = () => `mutation ${i} of seed ${i % inputs.length} (${bytes.length} bytes)`;
    let ok = false;
    if (i % 10 === 0) {
      try {
        const r = await decodeRecordBatches(bytes, options);
        assert.ok(r.bytesConsumed <= bytes.length);
        ok = true;
      } catch (e) {
        if (!(e instanceof KafkaError)) {
          assert.fail(
            `${label()} rejected with ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`,
          );
        }
      }
    } else {
      checkOutcome(() => {
        const r = decodeRecordBatchesSync(bytes, options);
        assert.ok(r.bytesConsumed <= bytes.length);
        for (const b of r.batches) {
          for (const rec of b.records) {
            assert.ok(Number.isSafeInteger(rec.offset) && Number.isSafeInteger(rec.timestamp));
          }
        }
        ok = true;
      }, label);
    }
    if (ok) decoded++;
    else rejected++;
  }
  // Both outcomes must occur, or the mutations were too weak (or too strong) to test anything.
  assert.ok(decoded > 1000, `only ${decoded} mutated inputs decoded`);
  assert.ok(rejected > 1000, `only ${rejected} mutated inputs were rejected`);
});
