// Copyright 2026 the kanal authors. MIT license.
// The spec rules the generated codecs must follow, each shown on one message: unknown tags,
// hostile counts and sizes, versions lacking a field, nulls, defaults, and header versions.
import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { MalformedDataError } from "../kafka_error.ts";
import { Reader } from "../reader.ts";
import { Writer } from "../writer.ts";
import {
  apiCodec,
  decodeApiVersionsRequest,
  decodeApiVersionsResponse,
  decodeConsumerProtocolSubscription,
  decodeFetchRequest,
  decodeHeartbeatRequest,
  decodeHeartbeatResponse,
  decodeMetadataRequest,
  decodeMetadataResponse,
  encodeApiVersionsRequest,
  encodeApiVersionsResponse,
  encodeConsumerProtocolSubscription,
  encodeFetchRequest,
  encodeHeartbeatRequest,
  encodeHeartbeatResponse,
  encodeMetadataRequest,
  heartbeatApi,
  initProducerIdApi,
} from "./mod.ts";

function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function encoded(fn: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fn(w);
  return w.toBytes();
}

test("unknown tagged fields at the top level are skipped by their size", () => {
  // "kanal", "1.0", then two tags this version does not know: 5 (3 bytes) and 9 (empty).
  const r = new Reader(hex("06 6b616e616c 04 312e30 02 05 03 010203 09 00"));
  assert.deepEqual(decodeApiVersionsRequest(r, 3), {
    clientSoftwareName: "kanal",
    clientSoftwareVersion: "1.0",
  });
  assert.equal(r.remaining, 0);
});

test("unknown tagged fields inside a nested struct are skipped, known ones still read", () => {
  const r = new Reader(
    hex(
      "0000 02" + // error_code, one api key
        "0003 0000 000c 01 07 02 0909" + // Metadata 0-12, with unknown tag 7
        "00000000" + // throttle_time_ms
        "02 01 08 ffffffffffffffff 63 01 00", // tag 1 = -1, unknown tag 99
    ),
  );
  assert.deepEqual(decodeApiVersionsResponse(r, 3), {
    errorCode: 0,
    apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  });
  assert.equal(r.remaining, 0);
});

test("a known tagged field that does not fill its declared size is refused", () => {
  // Tag 1 (an int64) declared as 9 bytes.
  const r = new Reader(hex("0000 01 00000000 01 01 09 000000000000000500"));
  assert.throws(() => decodeApiVersionsResponse(r, 3), MalformedDataError);
});

test("a tagged field size running past the end of the frame is refused", () => {
  const r = new Reader(hex("0000 01 00000000 01 05 10 00"));
  assert.throws(() => decodeApiVersionsResponse(r, 3), MalformedDataError);
});

test("an array count larger than the frame could hold is refused before allocating", () => {
  // Metadata v0 response claiming 2^31-1 brokers in a 4-byte frame.
  assert.throws(() => decodeMetadataResponse(new Reader(hex("7fffffff")), 0), MalformedDataError);
  // A compact count of 2^32-2 api keys.
  assert.throws(
    () => decodeApiVersionsResponse(new Reader(hex("0000 ffffffff0f")), 3),
    MalformedDataError,
  );
  // Metadata v0 response with one broker needs at least 4 + 2 + 4 bytes for it.
  assert.throws(
    () => decodeMetadataResponse(new Reader(hex("00000001 00000001 0000")), 0),
    MalformedDataError,
  );
});

test("a truncated frame is refused", () => {
  assert.throws(() => decodeHeartbeatResponse(new Reader(hex("000000")), 1), MalformedDataError);
});

test("null on the wire where the version does not allow it is refused", () => {
  // Metadata v0 has no "all topics" null; v1 has.
  assert.throws(() => decodeMetadataRequest(new Reader(hex("ffffffff")), 0), MalformedDataError);
  assert.deepEqual(decodeMetadataRequest(new Reader(hex("ffffffff")), 1), {
    topics: null,
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  // A null group id in a Heartbeat request.
  assert.throws(
    () => decodeHeartbeatRequest(new Reader(hex("ffff 00000001 0000")), 0),
    MalformedDataError,
  );
});

test("a field the version lacks throws TypeError when set, unless it is ignorable", () => {
  // groupInstanceId exists from v3 and is not ignorable.
  const m = { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: "i" };
  assert.throws(
    () => encodeHeartbeatRequest(new Writer(), 2, m),
    (e: unknown) => e instanceof TypeError && /groupInstanceId/.test(e.message),
  );
  // Left at its default (null), it is simply not written.
  const plain = encoded((w) => encodeHeartbeatRequest(w, 2, { ...m, groupInstanceId: null }));
  assert.deepEqual(plain, hex("0001 67 00000001 0001 6d"));
  // throttleTimeMs (v1+) and the client software fields (v3+) are ignorable: dropped.
  assert.deepEqual(
    encoded((w) => encodeHeartbeatResponse(w, 0, { throttleTimeMs: 5, errorCode: 0 })),
    hex("0000"),
  );
  assert.equal(
    encoded((w) => encodeApiVersionsRequest(w, 0, { clientSoftwareName: "x" })).length,
    0,
  );
});

test("a tagged field the version lacks throws when set, and is not written at its default", () => {
  const m = { maxWaitMs: 500, minBytes: 1, topics: [] };
  assert.throws(
    () => encodeFetchRequest(new Writer(), 14, { ...m, replicaState: { replicaId: 3 } }),
    TypeError,
  );
  const atDefault = { ...m, replicaState: { replicaId: -1, replicaEpoch: -1n } };
  const a = encoded((w) => encodeFetchRequest(w, 15, atDefault));
  const b = encoded((w) => encodeFetchRequest(w, 15, m));
  assert.deepEqual(a, b);
  assert.equal(a.at(-1), 0, "no tagged fields written");
});

test("null where the version does not allow it throws TypeError on encode", () => {
  assert.throws(() => encodeMetadataRequest(new Writer(), 0, { topics: null }), TypeError);
});

test("omitted optional fields are written with their spec defaults", () => {
  // FetchRequest v4: replica_id (default -1), max_wait_ms, min_bytes, max_bytes (default
  // 0x7fffffff), isolation_level (default 0), topics.
  assert.deepEqual(
    encoded((w) => encodeFetchRequest(w, 4, { maxWaitMs: 500, minBytes: 1, topics: [] })),
    hex("ffffffff 000001f4 00000001 7fffffff 00 00000000"),
  );
});

test("fields absent at the decoded version come back holding their defaults", () => {
  // FetchRequest v4 has no session (v7+), rack (v11+), cluster id (v12+) or replica state (v15+).
  const decoded = decodeFetchRequest(
    new Reader(hex("ffffffff 000001f4 00000001 00100000 01 00000000")),
    4,
  );
  assert.deepEqual(decoded, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 0x100000,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [],
    forgottenTopicsData: [],
    rackId: "",
  });
});

test("tagged fields at their defaults are not written", () => {
  assert.deepEqual(
    encoded((w) => encodeApiVersionsResponse(w, 3, { errorCode: 0, apiKeys: [] })),
    hex("0000 01 00000000 00"),
  );
});

test("versions outside the spec's range throw RangeError", () => {
  assert.throws(() => encodeHeartbeatResponse(new Writer(), 5, { errorCode: 0 }), RangeError);
  assert.throws(() => encodeHeartbeatResponse(new Writer(), -1, { errorCode: 0 }), RangeError);
  assert.throws(() => encodeHeartbeatResponse(new Writer(), 1.5, { errorCode: 0 }), RangeError);
  assert.throws(() => decodeHeartbeatResponse(new Reader(hex("0000")), 5), RangeError);
});

test("byte fields decode as views into the input, not copies", () => {
  const bytes = encoded((w) =>
    encodeConsumerProtocolSubscription(w, 0, { topics: ["t"], userData: Uint8Array.of(9, 8) })
  );
  const decoded = decodeConsumerProtocolSubscription(new Reader(bytes), 0);
  assert.deepEqual(decoded.userData, Uint8Array.of(9, 8));
  assert.equal(decoded.userData?.buffer, bytes.buffer);
});

test("header versions follow Kafka's rules, including its two exceptions", () => {
  // Flexible versions use request header v2 and response header v1.
  assert.equal(heartbeatApi.requestHeaderVersion(3), 1);
  assert.equal(heartbeatApi.requestHeaderVersion(4), 2);
  assert.equal(heartbeatApi.responseHeaderVersion(3), 0);
  assert.equal(heartbeatApi.responseHeaderVersion(4), 1);
  // ApiVersions responses always use header v0 (checked in golden_test.ts too).
  assert.equal(apiCodec(18)?.info.responseHeaderVersion(4), 0);
});

test("an unstable latest version is kept out of maxStableVersion", () => {
  // InitProducerId v6 (two-phase commit, KIP-939) is marked unstable in Kafka 4.2's specs.
  assert.equal(initProducerIdApi.maxVersion, 6);
  assert.equal(initProducerIdApi.maxStableVersion, 5);
  assert.equal(heartbeatApi.maxStableVersion, heartbeatApi.maxVersion);
});

test("an API key these codecs do not know has no entry", () => {
  assert.equal(apiCodec(9999), undefined);
  assert.equal(apiCodec(12)?.info, heartbeatApi);
});
