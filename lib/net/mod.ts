// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's net layer, bottom part: byte pipes to brokers and the framing on top of them.
 *
 * The socket adapters themselves (`transport_deno.ts`, `transport_bun.ts`,
 * `transport_workerd.ts`, `transport_node.ts`) are not re-exported here: {@linkcode
 * defaultTransport} imports the one for the running runtime on demand, so no runtime loads
 * another's file.
 *
 * @example Cut frames out of bytes as they would come from a broker socket
 * ```ts
 * import { FrameDecoder } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = ReadableStream.from([new Uint8Array([0, 0, 0, 1, 42])]);
 * const [frame] = await Array.fromAsync(bytes.pipeThrough(new FrameDecoder()));
 * assert.deepEqual(frame, new Uint8Array([42]));
 * ```
 *
 * @module
 */

export * from "./transport.ts";
export * from "./connection_error.ts";
export * from "./frame_decoder.ts";
export * from "./runtime.ts";
export * from "./default_transport.ts";
export * from "./stage_registry.ts";
export * from "./response_receiver.ts";
export * from "./broker_connection.ts";
