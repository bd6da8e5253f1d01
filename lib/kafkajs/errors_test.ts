// Copyright 2026 the kanal authors. MIT license.
// KafkaJS's own error classes are the oracle: every KafkaJS* class KafkaJS exports exists here
// under its name, with KafkaJS's parent class and `retriable` flag, so `instanceof` checks and
// retry decisions in KafkaJS programs behave the same.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as mod from "./mod.ts";

const require = createRequire(import.meta.url);
// KafkaJS is a dev dependency: the oracle, never imported by the library.
const kafkajs = require("kafkajs") as Record<string, unknown>;

type Ctor = new (...args: unknown[]) => Error & { retriable?: boolean };

function make(C: Ctor): (Error & { retriable?: boolean }) | undefined {
  try {
    return new C("m", { topic: "t", partition: 0, broker: "b:1" });
  } catch {
    return undefined; // KafkaJS's KafkaJSDeleteTopicRecordsError takes another shape
  }
}

test("every KafkaJS error class, with KafkaJS's parent and retriable flag", () => {
  const names = Object.keys(kafkajs).filter((n) => n.startsWith("KafkaJS"));
  assert.ok(names.length >= 30, names.join());
  const ours = mod as unknown as Record<string, unknown>;
  for (const name of names) {
    const Theirs = kafkajs[name] as Ctor;
    const Ours = ours[name] as Ctor | undefined;
    assert.equal(typeof Ours, "function", `${name} is exported`);
    assert.equal(
      Object.getPrototypeOf(Ours!.prototype).constructor.name,
      Object.getPrototypeOf(Theirs.prototype).constructor.name,
      `${name}'s parent`,
    );
    const theirs = make(Theirs);
    if (theirs === undefined) continue;
    const e = make(Ours!)!;
    assert.equal(e.retriable, theirs.retriable, `${name}.retriable`);
  }
  for (const fn of ["isKafkaJSError", "isRebalancing"]) {
    assert.equal(typeof ours[fn], "function", fn);
  }
});

test("the default export holds what KafkaJS's module object holds", () => {
  const ours = mod.default as unknown as Record<string, unknown>;
  for (
    const name of ["Kafka", "Partitioners", "CompressionTypes", "logLevel", "PartitionAssigners"]
  ) {
    assert.ok(name in ours && name in kafkajs, name);
  }
  for (const name of Object.keys(kafkajs).filter((n) => n.startsWith("KafkaJS"))) {
    assert.equal(typeof ours[name], "function", name);
  }
});
