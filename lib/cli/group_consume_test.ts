// Copyright 2026 the kanal authors. MIT license.
// kanal consume -G without a broker: how its topics become a subscription. consume_command_test.ts
// covers its flags; tests/cli_group_test.ts runs it against a real broker with Kafka's own tools
// as the oracle.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { subscription } from "./group_consume.ts";

test("topics without ^ are a subscription by name, kept as given", () => {
  assert.deepEqual(subscription(["orders"]), { topics: ["orders"] });
  assert.deepEqual(subscription(["b.c", "a"]), { topics: ["b.c", "a"] });
});

test("a topic starting with ^ makes one pattern, in which names match only themselves", () => {
  const { pattern, topics } = subscription(["^logs-[0-9]+$", "a.b", "c+d"]);
  assert.equal(topics, undefined);
  assert.ok(pattern instanceof RegExp);
  for (const name of ["logs-1", "logs-42", "a.b", "c+d"]) assert.ok(pattern.test(name), name);
  // A dot or plus in a name is that character, and a name does not match as a prefix or suffix.
  for (const name of ["logs-x", "axb", "ccd", "a.bc", "xa.b", "c+dd"]) {
    assert.ok(!pattern.test(name), name);
  }
});

test("a pattern is anchored where kcat's is: at the start, by its ^", () => {
  const { pattern } = subscription(["^orders"]);
  assert.ok(pattern!.test("orders") && pattern!.test("orders.eu"));
  assert.ok(!pattern!.test("old-orders"));
});

test("a pattern that does not compile is a usage error naming it", () => {
  assert.throws(() => subscription(["^logs-(", "orders"]), {
    name: "UsageError",
    message: /^Cannot subscribe to \^logs-\( as it is not a regular expression/,
  });
});
