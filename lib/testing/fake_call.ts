// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * One raw request to a fake broker over its in-memory transport: for tests that check the
 * fake's answers byte for byte, without a client in between.
 *
 * @module
 */

import { FrameDecoder } from "../net/frame_decoder.ts";
import type { Transport } from "../net/transport.ts";
import type { ApiCodec } from "../protocol/messages/api_table.ts";
import { readResponseFrame, writeRequestFrame } from "../protocol/request_frame.ts";
import { Writer } from "../protocol/writer.ts";

/** Where to send a raw request: the transport and the broker's address. */
export interface FakeCallTarget {
  /** The transport, usually `FakeCluster.transport`. */
  readonly transport: Transport;
  /** The broker's advertised host. */
  readonly host: string;
  /** The broker's advertised port. */
  readonly port: number;
}

/**
 * Sends `body` as `api` at `version` on a fresh connection, and resolves with the decoded
 * answer; rejects if the broker closes the connection instead of answering.
 *
 * @example Ask the fake for its metadata
 * ```ts
 * import { FakeCluster } from "./fake_cluster.ts";
 * import { fakeCall } from "./fake_call.ts";
 * import { API_TABLE } from "../protocol/messages/api_table.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ brokers: 2 });
 * const b = cluster.state.brokers.get(1)!;
 * const meta = await fakeCall({ transport: cluster.transport, host: b.host, port: b.port }, API_TABLE[3], 12, { topics: null });
 * assert.equal(meta.brokers.length, 2);
 * ```
 */
export async function fakeCall<Req, Res>(
  target: FakeCallTarget,
  api: ApiCodec<Req, Res>,
  version: number,
  body: Req,
): Promise<Res> {
  const socket = await target.transport({ host: target.host, port: target.port });
  try {
    const w = new Writer();
    writeRequestFrame(w, api, version, 1, "fake-call", body);
    const writer = socket.writable.getWriter();
    await writer.write(w.finish());
    writer.releaseLock();
    const frames = socket.readable.pipeThrough(new FrameDecoder()).getReader();
    const { value, done } = await frames.read();
    frames.releaseLock();
    if (done) {
      throw new Error(
        `the broker closed the connection instead of answering ${api.info.name} v${version}`,
      );
    }
    return readResponseFrame(value, api, version).body;
  } finally {
    await socket.close();
  }
}
