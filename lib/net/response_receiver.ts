// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The reading end of a broker connection: Sarama's responseReceiver.
 *
 * @module
 */

import type { StageHandle } from "./stage_registry.ts";

/**
 * A sink for response frames that hands each to the connection that sent the request. One per
 * connection; it shows in the stage dump as `responseReceiver` with the connection's role.
 *
 * It is a `WritableStream`, so the connection reads its socket with
 * `readable.pipeThrough(new FrameDecoder()).pipeTo(receiver)`: when the handler is slow,
 * backpressure reaches the socket and the broker's sends wait.
 *
 * @example Frames reach the handler in order
 * ```ts
 * import { ResponseReceiver } from "./response_receiver.ts";
 * import { StageRegistry } from "./stage_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: number[] = [];
 * const stage = new StageRegistry().register("responseReceiver", "test");
 * const receiver = new ResponseReceiver(stage, (frame) => seen.push(frame[0]!));
 * await ReadableStream.from([new Uint8Array([1]), new Uint8Array([2])]).pipeTo(receiver);
 * assert.deepEqual(seen, [1, 2]);
 * assert.equal(stage.counters.responses, 2);
 * ```
 */
export class ResponseReceiver extends WritableStream<Uint8Array> {
  /** This stage's entry in the stage dump. */
  readonly stage: StageHandle;

  /**
   * Makes the receiver. `onFrame` gets each frame body (after the size); a throw from it errors
   * the stream, which ends the connection.
   */
  constructor(stage: StageHandle, onFrame: (frame: Uint8Array) => void) {
    stage.counters.responses = 0;
    stage.counters.bytesIn = 0;
    super({
      write(frame) {
        stage.counters.responses!++;
        stage.counters.bytesIn! += frame.length + 4;
        onFrame(frame);
      },
    });
    this.stage = stage;
  }
}
