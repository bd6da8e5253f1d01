// Copyright 2026 the kanal authors. MIT license.
// The broker works for an independent client: kcat writes one keyed message and reads it back.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat, uniqueTopic } from "./_tools.ts";

test("kcat produces a message to the broker and consumes it back", async () => {
  await requireBroker();
  const topic = uniqueTopic("kcat-smoke");
  const b = brokerList();
  await kcat(["-b", b, "-t", topic, "-P", "-K", ":"], { input: "k1:hello from kcat\n" });
  const out = await kcat([
    "-b",
    b,
    "-t",
    topic,
    "-C",
    "-o",
    "beginning",
    "-c",
    "1",
    "-e",
    "-q",
    "-f",
    "%k|%s|%p|%o\\n",
  ]);
  assert.equal(new TextDecoder().decode(out), "k1|hello from kcat|0|0\n");
});
