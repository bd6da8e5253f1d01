// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Serializers: how a producer turns a record's key or value into bytes.
 *
 * @module
 */

/**
 * Turns a key or value into what a record carries: bytes, a string (sent as its UTF-8 bytes,
 * encoded straight into the batch) or `null` (no key, or a tombstone value).
 *
 * Returning a string rather than encoding it saves a copy: the record encoder writes strings
 * with `TextEncoder.encodeInto`.
 *
 * @typeParam T The type of the values it accepts.
 *
 * @example A serializer that prefixes the topic
 * ```ts
 * import type { Serializer } from "./serializer.ts";
 * import assert from "node:assert/strict";
 *
 * const tagged: Serializer<number> = (value, topic) => `${topic}:${value}`;
 * assert.equal(tagged(7, "orders"), "orders:7");
 * ```
 */
export type Serializer<T> = (value: T, topic: string) => Uint8Array | string | null;

/**
 * Serializes any value as its string form, `String(value)`. `null` and `undefined` stay
 * `null`, as with Java's `StringSerializer`, so a missing key stays absent and a null value
 * stays a tombstone rather than becoming the text "null".
 *
 * @param value The value.
 * @param _topic The record's topic (unused).
 * @returns The string, or `null`.
 *
 * @example Numbers become their decimal text
 * ```ts
 * import { stringSerializer } from "./serializer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(stringSerializer(42, "orders"), "42");
 * assert.equal(stringSerializer(null, "orders"), null);
 * ```
 */
export function stringSerializer(value: unknown, _topic: string): string | null {
  return value == null ? null : String(value);
}

/**
 * Serializes a value as JSON text with `JSON.stringify`. `null` and `undefined` give `null`
 * (no key, or a tombstone), and so does anything `JSON.stringify` cannot represent at the top
 * level (a function or a symbol). Values it refuses, such as a `bigint` or a cycle, throw its
 * `TypeError`.
 *
 * @param value The value.
 * @param _topic The record's topic (unused).
 * @returns The JSON text, or `null`.
 *
 * @example An object becomes JSON text
 * ```ts
 * import { jsonSerializer } from "./serializer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(jsonSerializer({ id: 1, tags: ["a"] }, "orders"), '{"id":1,"tags":["a"]}');
 * assert.equal(jsonSerializer(undefined, "orders"), null);
 * ```
 */
export function jsonSerializer(value: unknown, _topic: string): string | null {
  if (value == null) return null;
  // JSON.stringify returns undefined for a function or symbol, despite its declared type.
  const text: string | undefined = JSON.stringify(value);
  return text === undefined ? null : text;
}

/**
 * Passes bytes through: a `Uint8Array` as it is, an `ArrayBuffer` or any other
 * `ArrayBufferView` (a `DataView`, another typed array, a Node `Buffer`) as a `Uint8Array`
 * view of the same memory, without copying. `null` and `undefined` give `null`. Anything else
 * throws a `TypeError` naming the topic. It takes `unknown`, so that it fits a producer's
 * `Serializer<unknown>` option, and checks at run time.
 *
 * The view shares memory with the caller's value, so the caller must not change it until the
 * producer has encoded the record.
 *
 * @param value The bytes.
 * @param topic The record's topic, for the error message.
 * @returns The bytes as a `Uint8Array`, or `null`.
 *
 * @example A DataView becomes a view of the same bytes
 * ```ts
 * import { bytesSerializer } from "./serializer.ts";
 * import assert from "node:assert/strict";
 *
 * const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
 * assert.deepEqual(bytesSerializer(new DataView(buffer, 1, 2), "orders"), new Uint8Array([2, 3]));
 * assert.throws(() => bytesSerializer("text", "orders"), TypeError);
 * ```
 */
export function bytesSerializer(value: unknown, topic: string): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value == null) return null;
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(
    `Cannot serialize a record for topic "${topic}" as bytes must be a Uint8Array, ArrayBuffer or ArrayBufferView: current value is ${
      describe(
        value,
      )
    }`,
  );
}

function describe(value: unknown): string {
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}
