// Copyright 2026 the kanal authors. MIT license.
// Byte strings worked out by hand from the Kafka protocol guide (kafka.apache.org/protocol):
// INT16/INT32/INT64 big-endian; STRING = INT16 length + UTF-8; NULLABLE_STRING length -1 for
// null; COMPACT_STRING = UNSIGNED_VARINT (length + 1) + UTF-8; ARRAY = INT32 count;
// COMPACT_ARRAY = UNSIGNED_VARINT (count + 1); TAGGED_FIELDS = UNSIGNED_VARINT count, then per
// field UNSIGNED_VARINT tag, UNSIGNED_VARINT size, value. Request header v1 is api_key,
// api_version, correlation_id, client_id (NULLABLE_STRING); v2 adds TAGGED_FIELDS. Response
// header v0 is correlation_id; v1 adds TAGGED_FIELDS.
import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { Reader } from "../reader.ts";
import { Writer } from "../writer.ts";
import {
  apiVersionsApi,
  decodeApiVersionsResponse,
  decodeHeartbeatResponse,
  decodeResponseHeader,
  encodeApiVersionsRequest,
  encodeApiVersionsResponse,
  encodeHeartbeatResponse,
  encodeMetadataRequest,
  encodeProduceRequest,
  encodeRequestHeader,
  encodeResponseHeader,
  heartbeatApi,
} from "./mod.ts";

function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const KANAL = "6b616e616c"; // "kanal"

test("ApiVersions v0 request with header v1 is the header alone", () => {
  const w = new Writer();
  const headerVersion = apiVersionsApi.requestHeaderVersion(0);
  assert.equal(headerVersion, 1);
  encodeRequestHeader(w, headerVersion, {
    requestApiKey: 18,
    requestApiVersion: 0,
    correlationId: 1,
    clientId: "kanal",
  });
  encodeApiVersionsRequest(w, 0, {});
  assert.deepEqual(w.toBytes(), hex(`0012 0000 00000001 0005 ${KANAL}`));
});

test("Metadata v0 request is an INT32 count of STRING topic names", () => {
  const w = new Writer();
  encodeMetadataRequest(w, 0, { topics: [{ name: "a" }, { name: "bc" }] });
  assert.deepEqual(w.toBytes(), hex("00000002 0001 61 0002 6263"));
});

test("Metadata v1 request writes null topics (all topics) as count -1", () => {
  const w = new Writer();
  encodeMetadataRequest(w, 1, { topics: null });
  assert.deepEqual(w.toBytes(), hex("ffffffff"));
});

test("ApiVersions v3 request uses header v2 with a classic client id, then compact strings", () => {
  const w = new Writer();
  const headerVersion = apiVersionsApi.requestHeaderVersion(3);
  assert.equal(headerVersion, 2);
  encodeRequestHeader(w, headerVersion, {
    requestApiKey: 18,
    requestApiVersion: 3,
    correlationId: 7,
    clientId: "kanal",
  });
  encodeApiVersionsRequest(w, 3, { clientSoftwareName: "kanal", clientSoftwareVersion: "1.0" });
  assert.deepEqual(
    w.toBytes(),
    hex(`0012 0003 00000007 0005 ${KANAL} 00` + `06 ${KANAL} 04 312e30 00`),
  );
});

test("Heartbeat response v0 with header v0 is correlation id and error code", () => {
  const w = new Writer();
  encodeResponseHeader(w, heartbeatApi.responseHeaderVersion(0), { correlationId: 42 });
  encodeHeartbeatResponse(w, 0, { errorCode: 27 });
  assert.deepEqual(w.toBytes(), hex("0000002a 001b"));
});

test("Heartbeat response v4 with header v1 adds throttle time and empty tagged sections", () => {
  const bytes = hex("0000002a 00" + "00000064 001b 00");
  const r = new Reader(bytes);
  assert.deepEqual(decodeResponseHeader(r, heartbeatApi.responseHeaderVersion(4)), {
    correlationId: 42,
  });
  assert.deepEqual(decodeHeartbeatResponse(r, 4), { throttleTimeMs: 100, errorCode: 27 });
  assert.equal(r.remaining, 0);
  const w = new Writer();
  encodeResponseHeader(w, 1, { correlationId: 42 });
  encodeHeartbeatResponse(w, 4, { throttleTimeMs: 100, errorCode: 27 });
  assert.deepEqual(w.toBytes(), bytes);
});

test("ApiVersions v3 response reads its tagged features and writes them back in tag order", () => {
  const bytes = hex(
    "0000" + // error_code
      "03" + // api_keys: compact array of 2
      "0000 0000 000b 00" + // Produce 0-11, no tags
      "0012 0000 0004 00" + // ApiVersions 0-4, no tags
      "00000000" + // throttle_time_ms
      "02" + // two tagged fields
      "00 17" + // tag 0 (SupportedFeatures), 23 bytes:
      "02 11 6d657461646174612e76657273696f6e 0001 0014 00" + // "metadata.version" 1-20
      "01 08 0000000000000005", // tag 1 (FinalizedFeaturesEpoch) = 5
  );
  const expected = {
    errorCode: 0,
    apiKeys: [
      { apiKey: 0, minVersion: 0, maxVersion: 11 },
      { apiKey: 18, minVersion: 0, maxVersion: 4 },
    ],
    throttleTimeMs: 0,
    supportedFeatures: [{ name: "metadata.version", minVersion: 1, maxVersion: 20 }],
    finalizedFeaturesEpoch: 5n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
  const r = new Reader(bytes);
  assert.deepEqual(decodeApiVersionsResponse(r, 3), expected);
  assert.equal(r.remaining, 0);
  const w = new Writer();
  encodeApiVersionsResponse(w, 3, expected);
  assert.deepEqual(w.toBytes(), bytes);
});

test("ApiVersions responses keep response header v0 even in flexible versions", () => {
  assert.equal(apiVersionsApi.responseHeaderVersion(3), 0);
  assert.equal(apiVersionsApi.responseHeaderVersion(4), 0);
  assert.equal(heartbeatApi.responseHeaderVersion(4), 1);
});

test("Produce v3 request carries a null transactional id and records as NULLABLE_BYTES", () => {
  const w = new Writer();
  encodeProduceRequest(w, 3, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: "t", partitionData: [{ index: 0, records: Uint8Array.of(1, 2, 3) }] }],
  });
  assert.deepEqual(
    w.toBytes(),
    hex("ffff ffff 00007530 00000001 0001 74 00000001 00000000 00000003 010203"),
  );
});
