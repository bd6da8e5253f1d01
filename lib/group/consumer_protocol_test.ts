// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { TopicPartitions } from "./assignor.ts";
import {
  CONSUMER_PROTOCOL_TYPE,
  CONSUMER_PROTOCOL_VERSION,
  decodeAssignment,
  decodeMemberSubscription,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from "./consumer_protocol.ts";
import { MalformedDataError } from "../protocol/kafka_error.ts";
import {
  fromHex,
  type JavaAssignment,
  type JavaSubscription,
  toHex,
  vectors,
} from "./testdata/assignor_fixtures.ts";

/** Java's flat partition list as TopicPartitions, one entry per run of one topic, order kept. */
function grouped(flat: [string, number][]): TopicPartitions[] {
  const out: { topic: string; partitions: number[] }[] = [];
  for (const [topic, p] of flat) {
    const last = out[out.length - 1];
    if (last && last.topic === topic) last.partitions.push(p);
    else out.push({ topic, partitions: [p] });
  }
  return out;
}

function flat(list: readonly TopicPartitions[]): [string, number][] {
  return list.flatMap((tp) => tp.partitions.map((p): [string, number] => [tp.topic, p]));
}

function hexOrNull(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : toHex(bytes);
}

function checkDecodedSubscription(
  bytes: Uint8Array,
  java: JavaSubscription,
  version: number,
): void {
  const d = decodeSubscription(bytes);
  assert.equal(d.version, version);
  assert.deepEqual(d.topics, java.topics);
  assert.equal(hexOrNull(d.userData), java.userData);
  assert.deepEqual(flat(d.ownedPartitions), java.ownedPartitions);
  assert.equal(d.generationId, java.generationId);
  assert.equal(d.rackId, java.rackId);
}

function checkDecodedAssignment(bytes: Uint8Array, java: JavaAssignment, version: number): void {
  const d = decodeAssignment(bytes);
  assert.equal(d.version, version);
  assert.deepEqual(flat(d.assignedPartitions), java.partitions);
  assert.equal(hexOrNull(d.userData), java.userData);
}

test("encodeSubscription writes the bytes Java's ConsumerProtocol writes, at every version", () => {
  assert.equal(vectors.protocol.subscriptions.length, 20);
  for (const v of vectors.protocol.subscriptions) {
    const bytes = encodeSubscription({
      topics: v.input.topics,
      userData: v.input.userData === null ? null : fromHex(v.input.userData),
      ownedPartitions: grouped(v.input.ownedPartitions),
      generationId: v.input.generationId,
      rackId: v.input.rackId,
    }, v.version);
    assert.equal(toHex(bytes), v.hex, `v${v.version} ${JSON.stringify(v.input)}`);
  }
});

test("decodeSubscription reads Java's bytes as Java reads them, at every version", () => {
  for (const v of vectors.protocol.subscriptions) {
    checkDecodedSubscription(fromHex(v.hex), v.decoded, v.version);
  }
});

test("encodeAssignment writes the bytes Java's ConsumerProtocol writes, and decodeAssignment reads them back", () => {
  assert.equal(vectors.protocol.assignments.length, 12);
  for (const v of vectors.protocol.assignments) {
    const bytes = encodeAssignment({
      assignedPartitions: v.input.partitions.map(([topic, p]) => ({ topic, partitions: [p] })),
      userData: v.input.userData === null ? null : fromHex(v.input.userData),
    }, v.version);
    assert.equal(toHex(bytes), v.hex, `v${v.version} ${JSON.stringify(v.input)}`);
    checkDecodedAssignment(fromHex(v.hex), v.decoded, v.version);
  }
});

test("a version newer than kanal knows is read by its known fields, as Java reads it", () => {
  const [subscription, assignment] = vectors.protocol.future;
  checkDecodedSubscription(fromHex(subscription!.hex), subscription!.decoded, 9);
  checkDecodedAssignment(fromHex(assignment!.hex), assignment!.decoded, 4);
});

test("decoding refuses a negative version and truncated bytes with MalformedDataError", () => {
  const good = encodeSubscription({
    topics: ["t"],
    ownedPartitions: [{ topic: "t", partitions: [1] }],
  });
  const negative = good.slice();
  negative[0] = 0xff;
  assert.throws(() => decodeSubscription(negative), MalformedDataError);
  for (let end = 0; end < good.length; end++) {
    assert.throws(
      () => decodeSubscription(good.subarray(0, end)),
      MalformedDataError,
      `cut at ${end}`,
    );
  }
  const assignment = encodeAssignment({ assignedPartitions: [{ topic: "t", partitions: [0] }] });
  for (let end = 1; end < assignment.length; end++) {
    assert.throws(() => decodeAssignment(assignment.subarray(0, end)), MalformedDataError);
  }
  const negativeAssignment = assignment.slice();
  negativeAssignment[0] = 0x80;
  assert.throws(() => decodeAssignment(negativeAssignment), MalformedDataError);
});

test("encoding refuses a version kanal cannot write", () => {
  assert.throws(() => encodeSubscription({ topics: [] }, 4), RangeError);
  assert.throws(() => encodeSubscription({ topics: [] }, -1), RangeError);
  assert.throws(() => encodeAssignment({ assignedPartitions: [] }, 1.5), RangeError);
  assert.equal(CONSUMER_PROTOCOL_VERSION, 3);
  assert.equal(CONSUMER_PROTOCOL_TYPE, "consumer");
});

test("fields a version lacks are dropped: a v0 subscription keeps topics and userData only", () => {
  const bytes = encodeSubscription({
    topics: ["t"],
    userData: new Uint8Array([7]),
    ownedPartitions: [{ topic: "t", partitions: [0] }],
    generationId: 3,
    rackId: "r",
  }, 0);
  const d = decodeSubscription(bytes);
  assert.equal(d.version, 0);
  assert.deepEqual([...d.userData!], [7]);
  assert.deepEqual(d.ownedPartitions, []);
  assert.equal(d.generationId, -1);
  assert.equal(d.rackId, null);
});

test("decodeMemberSubscription gives an assignor its input from a JoinGroup member", () => {
  const metadata = encodeSubscription({
    topics: ["b", "a"],
    userData: new Uint8Array([1, 2]),
    ownedPartitions: [{ topic: "a", partitions: [4] }],
    generationId: 12,
    rackId: "rack-1",
  });
  assert.deepEqual(
    decodeMemberSubscription({ memberId: "m", groupInstanceId: "i", metadata }),
    {
      memberId: "m",
      groupInstanceId: "i",
      topics: ["a", "b"],
      userData: new Uint8Array([1, 2]),
      ownedPartitions: [{ topic: "a", partitions: [4] }],
      generationId: 12,
      rackId: "rack-1",
    },
  );
});

test("decodeAssignment reads the empty assignment a coordinator sends a member left out", () => {
  assert.deepEqual(decodeAssignment(new Uint8Array(0)), {
    version: 0,
    assignedPartitions: [],
    userData: null,
  });
});
