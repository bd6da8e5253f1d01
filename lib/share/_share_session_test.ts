// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { ackBatches, ShareSession } from "./_share_session.ts";

test("ackBatches: runs of offsets, one type when they share it", () => {
  assert.deepEqual(ackBatches([7, 5, 6, 9], [1, 1, 1, 3]), [
    { firstOffset: 5n, lastOffset: 7n, acknowledgeTypes: [1] },
    { firstOffset: 9n, lastOffset: 9n, acknowledgeTypes: [3] },
  ]);
  assert.deepEqual(ackBatches([1, 2, 3], [1, 2, 1]), [
    { firstOffset: 1n, lastOffset: 3n, acknowledgeTypes: [1, 2, 1] },
  ]);
});

test("ShareSession: opens with every partition, then sends changes and acknowledgements", () => {
  const s = new ShareSession();
  const a = { topicId: "t", partition: 0 };
  const b = { topicId: "t", partition: 1 };
  s.acknowledge("t", 0, [1], [1]); // from a session the broker no longer has
  const open = s.planFetch([a, b]);
  assert.equal(open.epoch, 0);
  assert.equal(open.acks, 0);
  assert.deepEqual(open.send.map((p) => p.partition), [0, 1]);
  s.answered(open);
  assert.equal(s.epoch, 1);

  const idle = s.planFetch([a, b]);
  assert.deepEqual(idle.send, []);
  s.answered(idle);

  s.acknowledge("t", 1, [10, 11], [1, 1]);
  const next = s.planFetch([a]);
  assert.equal(next.epoch, 2);
  assert.equal(next.acks, 2);
  assert.deepEqual(next.send, [{
    topicId: "t",
    partition: 1,
    batches: [{ firstOffset: 10n, lastOffset: 11n, acknowledgeTypes: [1] }],
  }]);
  assert.deepEqual(next.forget, []); // named for its acknowledgements this time
  s.answered(next);
  assert.deepEqual(s.planFetch([a]).forget, [b]);
});

test("ShareSession: reset drops waiting acknowledgements and reopens at epoch 0", () => {
  const s = new ShareSession();
  s.answered(s.planFetch([{ topicId: "t", partition: 0 }]));
  s.acknowledge("t", 0, [3, 4], [2, 2]);
  assert.equal(s.reset(), 2);
  assert.equal(s.epoch, 0);
  assert.equal(s.hasAcks, false);
  const close = s.planAcknowledge(true);
  assert.equal(close.epoch, -1);
});
