import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import {
  bytesSerializer,
  jsonSerializer,
  type Serializer,
  stringSerializer,
} from "./serializer.ts";

test("the built-in serializers fit a producer's Serializer<unknown> option", () => {
  const all: Serializer<unknown>[] = [stringSerializer, jsonSerializer, bytesSerializer];
  assert.equal(all.length, 3);
});

test("stringSerializer gives String(value) for every non-null value", () => {
  assert.equal(stringSerializer("héllo", "t"), "héllo");
  assert.equal(stringSerializer(42, "t"), "42");
  assert.equal(stringSerializer(-0.5, "t"), "-0.5");
  assert.equal(stringSerializer(10n ** 20n, "t"), "100000000000000000000");
  assert.equal(stringSerializer(false, "t"), "false");
  assert.equal(stringSerializer({ toString: () => "custom" }, "t"), "custom");
});

test("stringSerializer keeps null and undefined as null, not the text null", () => {
  assert.equal(stringSerializer(null, "t"), null);
  assert.equal(stringSerializer(undefined, "t"), null);
});

test("jsonSerializer gives JSON text that parses back to the value", () => {
  const value = { id: 7, name: "ünïcode", tags: ["a", "b"], nested: { ok: true, n: null } };
  const text = jsonSerializer(value, "t");
  assert.equal(typeof text, "string");
  assert.deepEqual(JSON.parse(text!), value);
  assert.equal(jsonSerializer("s", "t"), '"s"');
  assert.equal(jsonSerializer(0, "t"), "0");
  assert.equal(jsonSerializer([], "t"), "[]");
});

test("jsonSerializer gives null for null, undefined and values JSON has no text for", () => {
  assert.equal(jsonSerializer(undefined, "t"), null);
  assert.equal(jsonSerializer(null, "t"), null);
  assert.equal(jsonSerializer(() => 1, "t"), null);
  assert.equal(jsonSerializer(Symbol("s"), "t"), null);
});

test("jsonSerializer lets JSON.stringify's TypeError through for bigint and cycles", () => {
  assert.throws(() => jsonSerializer({ n: 1n }, "t"), TypeError);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(() => jsonSerializer(cycle, "t"), TypeError);
});

test("bytesSerializer returns a Uint8Array itself, without copying", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  assert.equal(bytesSerializer(bytes, "t"), bytes);
});

test("bytesSerializer views an ArrayBuffer whole", () => {
  const buffer = new Uint8Array([5, 6, 7]).buffer;
  const out = bytesSerializer(buffer, "t")!;
  assert.deepEqual(out, new Uint8Array([5, 6, 7]));
  assert.equal(out.buffer, buffer);
});

test("bytesSerializer views other ArrayBufferViews at their offset and length, sharing memory", () => {
  const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
  const words = new Uint16Array(backing.buffer, 2, 2);
  const out = bytesSerializer(words, "t")!;
  assert.deepEqual(out, new Uint8Array([2, 3, 4, 5]));
  backing[2] = 99;
  assert.equal(out[0], 99);
  const view = bytesSerializer(new DataView(backing.buffer, 6), "t")!;
  assert.deepEqual(view, new Uint8Array([6, 7]));
});

test("bytesSerializer gives null for null and undefined", () => {
  assert.equal(bytesSerializer(null, "t"), null);
  assert.equal(bytesSerializer(undefined, "t"), null);
});

test("bytesSerializer refuses anything else with a TypeError naming the topic", () => {
  for (const bad of ["text", 42, { length: 2 }, [1, 2], true]) {
    assert.throws(
      () => bytesSerializer(bad, "orders"),
      (e: unknown) => e instanceof TypeError && e.message.includes('"orders"'),
      JSON.stringify(bad),
    );
  }
});
