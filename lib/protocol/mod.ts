// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's protocol layer: the bytes Kafka speaks, with no I/O. Readers and writers for the
 * primitive types, Kafka's error codes as typed errors, and UUIDs.
 *
 * @example Write and read back a compact string
 * ```ts
 * import { Reader, Writer } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const w = new Writer();
 * w.compactString("kanal");
 * assert.equal(new Reader(w.finish()).compactString(), "kanal");
 * ```
 *
 * @module
 */

export * from "./reader.ts";
export * from "./writer.ts";
export * from "./uuid.ts";
export * from "./kafka_error.ts";
export * from "./error_codes.ts";
export * from "./versions.ts";
export * from "./crc32c.ts";
export * from "./request_frame.ts";
export * from "./client_max_versions.ts";
export * from "./messages/mod.ts";
export * from "./record.ts";
export * from "./record_batch.ts";
export * from "./record_batch_encoder.ts";
export * from "./record_batch_decoder.ts";
export * from "./compression/mod.ts";
