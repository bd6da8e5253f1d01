import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { API_LIST, API_TABLE, type ApiCodec } from "./messages/api_table.ts";
import { CLIENT_MAX_VERSIONS } from "./client_max_versions.ts";
import { CLIENT_APIS } from "./request_frame.ts";
import { Reader } from "./reader.ts";
import { Writer } from "./writer.ts";

function clientMax(key: number): number {
  const c = CLIENT_APIS.find((a) => a.key === key);
  assert.ok(c, `CLIENT_APIS lists key ${key}`);
  return c.maxVersion;
}

function roundTrip<Req, Res>(api: ApiCodec<Req, Res>, version: number, req: Req, res: Res) {
  const w = new Writer();
  api.encodeRequest(w, version, req);
  const request = api.decodeRequest(new Reader(w.toBytes()), version);
  const w2 = new Writer();
  api.encodeResponse(w2, version, res);
  const response = api.decodeResponse(new Reader(w2.toBytes()), version);
  return { request, response };
}

test("each cap names its API, is a version the specs know, and is below the stable maximum", () => {
  for (const [key, cap] of CLIENT_MAX_VERSIONS) {
    const api = API_LIST.find((a) => a.info.key === key);
    assert.ok(api, `key ${key} (${cap.name}) is generated`);
    assert.equal(api.info.name, cap.name, `key ${key} is ${api.info.name}`);
    assert.ok(cap.maxVersion >= api.info.minVersion, `${cap.name} cap admits a version`);
    // A cap at or above the stable maximum does nothing: drop it from the table.
    assert.ok(
      cap.maxVersion < api.info.maxStableVersion,
      `${cap.name} cap ${cap.maxVersion} is below the stable maximum ${api.info.maxStableVersion}`,
    );
    assert.ok(cap.reason.length > 0);
    assert.equal(clientMax(key), cap.maxVersion, `CLIENT_APIS offers ${cap.name} up to its cap`);
  }
});

test("APIs without a cap are offered up to their highest stable version", () => {
  for (const a of API_LIST) {
    if (CLIENT_MAX_VERSIONS.has(a.info.key) || a.info.maxStableVersion < a.info.minVersion) {
      continue;
    }
    assert.equal(clientMax(a.info.key), a.info.maxStableVersion, a.info.name);
  }
});

// What the caps protect: at the version kanal offers, the requests the producer and the group
// consumer build still carry topic names, and the answers still name the topics they match on.

test("Produce at kanal's highest version carries topic names both ways", () => {
  const v = clientMax(0);
  const { request, response } = roundTrip(API_TABLE[0], v, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: "orders", partitionData: [{ index: 3, records: null }] }],
  }, {
    responses: [{
      name: "orders",
      partitionResponses: [{ index: 3, errorCode: 0, baseOffset: 7n }],
    }],
    throttleTimeMs: 0,
  });
  assert.equal(request.topicData[0]?.name, "orders");
  assert.equal(response.responses[0]?.name, "orders");
  assert.equal(response.responses[0]?.partitionResponses[0]?.baseOffset, 7n);
});

test("OffsetCommit at kanal's highest version carries topic names both ways", () => {
  const v = clientMax(8);
  const { request, response } = roundTrip(API_TABLE[8], v, {
    groupId: "g",
    generationIdOrMemberEpoch: 1,
    memberId: "m",
    groupInstanceId: null,
    topics: [{
      name: "orders",
      partitions: [{ partitionIndex: 3, committedOffset: 9n, committedMetadata: null }],
    }],
  }, {
    throttleTimeMs: 0,
    topics: [{ name: "orders", partitions: [{ partitionIndex: 3, errorCode: 0 }] }],
  });
  assert.equal(request.topics[0]?.name, "orders");
  assert.equal(response.topics[0]?.name, "orders");
});

test("OffsetFetch at kanal's highest version carries topic names both ways", () => {
  const v = clientMax(9);
  assert.ok(v >= 8, "the group consumer's shape: one group in `groups`");
  const { request, response } = roundTrip(API_TABLE[9], v, {
    groups: [{ groupId: "g", topics: [{ name: "orders", partitionIndexes: [3] }] }],
    requireStable: true,
  }, {
    throttleTimeMs: 0,
    groups: [{
      groupId: "g",
      topics: [{
        name: "orders",
        partitions: [{
          partitionIndex: 3,
          committedOffset: 9n,
          committedLeaderEpoch: -1,
          metadata: null,
          errorCode: 0,
        }],
      }],
      errorCode: 0,
    }],
  });
  assert.equal(request.groups?.[0]?.topics?.[0]?.name, "orders");
  assert.equal(response.groups?.[0]?.topics[0]?.name, "orders");
});
