// Copyright 2026 the kanal authors. MIT license.
// How -X pairs are sorted between the consumer, the group and the client.
// consume_command_test.ts covers them as flags of kanal consume.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { consumerConfig, unknownOption } from "./consumer_config.ts";

test("without -G, consumer options are read and the rest is left for the client in order", () => {
  const c = consumerConfig(
    ["client.id=a", "fetch.min.bytes=5", "linger=1", "check.crcs=false"],
    false,
  );
  assert.deepEqual(c.consumer, { minBytes: 5, checkCrc: false });
  assert.deepEqual(c.group, {});
  assert.deepEqual(c.client, ["client.id=a", "linger=1"]);
});

test("retry.backoff.ms is the consumer's and the client's", () => {
  const c = consumerConfig(["retry.backoff.ms=7"], false);
  assert.deepEqual(c.consumer, { retryBackoffMs: 7 });
  assert.deepEqual(c.client, ["retry.backoff.ms=7"]);
});

test("with -G, auto.offset.reset is also where partitions with no commit start", () => {
  const c = consumerConfig(["auto.offset.reset=smallest"], true);
  assert.deepEqual(c.consumer, { offsetOutOfRange: "oldest" });
  assert.deepEqual(c.group, { startOffset: "oldest" });
  assert.deepEqual(consumerConfig(["auto.offset.reset=smallest"], false).group, {});
});

test("enable.auto.commit and enable.auto.offset.store both turn commits off", () => {
  assert.equal(consumerConfig(["enable.auto.commit=false"], true).group.commit, false);
  assert.equal(consumerConfig(["enable.auto.offset.store=false"], true).group.commit, false);
  assert.equal(consumerConfig(["enable.auto.commit=true"], true).group.commit, true);
});

test("every group option is refused without -G, naming it", () => {
  for (
    const key of [
      "session.timeout.ms",
      "heartbeat.interval.ms",
      "max.poll.interval.ms",
      "group.instance.id",
      "partition.assignment.strategy",
      "enable.auto.commit",
      "group.protocol",
      "sessionTimeoutMs",
    ]
  ) {
    assert.throws(() => consumerConfig([`${key}=1`], false), {
      name: "UsageError",
      message: new RegExp(`^Cannot use -X ${key} as it needs a consumer group`),
    }, key);
  }
});

test("an unknown name gets the nearest consumer or group name", () => {
  const near = (key: string) =>
    String(unknownOption(new TypeError(`Unknown Client option "${key}"`)));
  assert.match(near("session.timeout"), /did you mean "session.timeout.ms"/);
  assert.match(near("fetch.min"), /did you mean "fetch.min.bytes"/);
  assert.match(near("zzz"), /neither a client nor a consumer option/);
});
