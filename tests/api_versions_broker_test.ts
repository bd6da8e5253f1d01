// Copyright 2026 the kanal authors. MIT license.
// The specs kanal is generated from (scripts/kafka/message-specs, from the pinned Kafka's
// kafka-clients jar) cover the broker it is tested against: every API the broker advertises has
// a version both sides speak, so nothing the broker offers is unknown to kanal or out of reach.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { CLIENT_APIS } from "../lib/protocol/request_frame.ts";
import { requireBroker } from "./_kafka.ts";
import { negotiate } from "./_wire.ts";

test("every API the broker advertises has a version in common with kanal", async () => {
  const broker = await requireBroker();
  const table = await negotiate(broker);
  const advertised = table.brokerRanges;
  // Produce, Fetch and ApiVersions at least: an empty answer would prove nothing.
  for (const key of [0, 1, 18]) {
    assert.ok(advertised.some((b) => b.apiKey === key), `the broker advertises key ${key}`);
  }
  const unknown = advertised.filter((b) => table.clientRange(b.apiKey) === undefined);
  assert.deepEqual(
    unknown.map((b) => `key ${b.apiKey} v${b.minVersion}-${b.maxVersion}`),
    [],
    "APIs the broker advertises that kanal's specs lack",
  );
  const disjoint = advertised.filter((b) => !table.has(b.apiKey));
  assert.deepEqual(
    disjoint.map((b) => {
      const c = table.clientRange(b.apiKey)!;
      return `${c.name} broker v${b.minVersion}-${b.maxVersion}, kanal v${c.minVersion}-${c.maxVersion}`;
    }),
    [],
    "APIs with no version both sides speak",
  );
  for (const b of advertised) {
    const v = table.version(b.apiKey);
    const c = CLIENT_APIS.find((a) => a.key === b.apiKey)!;
    assert.ok(
      v >= b.minVersion && v <= b.maxVersion && v >= c.minVersion && v <= c.maxVersion,
      `${c.name}: v${v} is in both ranges`,
    );
  }
});
