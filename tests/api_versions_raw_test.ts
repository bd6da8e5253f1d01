// Copyright 2026 the kanal authors. MIT license.
// The first round trip: an ApiVersions request written byte by byte over a plain socket,
// proving the broker, the test rig and the primitives before any client code exists.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Reader } from "../lib/protocol/reader.ts";
import { Writer } from "../lib/protocol/writer.ts";
import { rawRequest, requireBroker } from "./_kafka.ts";

/** ApiVersions v3 with request header v2 (flexible), framed with its size. */
function apiVersionsV3(correlationId: number): Uint8Array {
  const w = new Writer();
  const size = w.reserve(4);
  w.int16(18); // api key: ApiVersions
  w.int16(3); // api version
  w.int32(correlationId);
  w.nullableString("kanal-test"); // header v2 keeps the int16 client id
  w.uvarint(0); // header tagged fields
  w.compactString("kanal");
  w.compactString("0.1.0");
  w.uvarint(0); // body tagged fields
  w.setInt32At(size, w.length - 4);
  return w.toBytes();
}

test("a 4.x broker answers ApiVersions v3 with Produce and Fetch in its ranges", async () => {
  const broker = await requireBroker();
  const body = await rawRequest(broker, apiVersionsV3(7));
  const r = new Reader(body);
  assert.equal(r.int32(), 7, "correlation id"); // ApiVersions responses always use header v0
  assert.equal(r.int16(), 0, "error code");
  const n = r.compactArrayLength(7);
  const ranges = new Map<number, [number, number]>();
  for (let i = 0; i < n; i++) {
    const key = r.int16();
    ranges.set(key, [r.int16(), r.int16()]);
    assert.equal(r.uvarint(), 0, "no tagged fields on an API entry");
  }
  // KIP-896 raised the floors in 4.0 to Produce v3 and Fetch v4. The broker still advertises
  // Produce from v0 (KAFKA-18659, for old librdkafka) while it refuses v0-v2 requests.
  const produce = ranges.get(0);
  const fetch = ranges.get(1);
  assert.ok(produce, "Produce is listed");
  assert.ok(fetch, "Fetch is listed");
  assert.ok(produce[0] <= 3, `Produce min ${produce[0]} admits v3`);
  assert.ok(produce[1] >= 12, `Produce max ${produce[1]} is at least 4.0's 12`);
  assert.equal(fetch[0], 4);
  assert.ok(fetch[1] >= 17, `Fetch max ${fetch[1]} is at least 4.0's 17`);
  assert.ok(ranges.has(18), "ApiVersions lists itself");
  assert.ok(r.int32() >= 0, "throttle time");
});
