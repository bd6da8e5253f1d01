// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { FetchSession, type SessionPartition } from "./_fetch_session.ts";

const NO_ID = "AAAAAAAAAAAAAAAAAAAAAA";
const part = (topic: string, offset: number): SessionPartition => ({
  topicId: NO_ID,
  topic,
  partition: 0,
  offset,
  leaderEpoch: -1,
  lastFetchedEpoch: -1,
  maxBytes: 1024,
});

test("a session on a broker without topic ids keeps partitions of two topics apart", () => {
  const s = new FetchSession(true);
  const first = s.plan([part("a", 0), part("b", 0)]);
  s.answered(first, 7);
  // Only topic a moved: b is known at its offset and must not be sent, nor forgotten.
  const next = s.plan([part("a", 5), part("b", 0)]);
  assert.deepEqual(next.send.map((p) => p.topic), ["a"]);
  assert.deepEqual(next.forget, []);
  s.answered(next, 7);
  // Dropping b forgets b, not a.
  const last = s.plan([part("a", 5)]);
  assert.deepEqual(last.send, []);
  assert.deepEqual(last.forget.map((p) => p.topic), ["b"]);
});
