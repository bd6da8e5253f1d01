// Copyright 2026 the kanal authors. MIT license.
/**
 * A worker for tests/workerd_transport_test.ts: on each request it dials the broker named by
 * the `KAFKA_BROKERS` binding with the workerd transport, does an ApiVersions round trip
 * through FrameDecoder and answers with what came back, as JSON. `?port=N` dials that port on
 * the same host instead, to see how a failed dial looks from inside workerd.
 *
 * @module
 */

import { workerdTransport } from "../../lib/net/transport_workerd.ts";
import { FrameDecoder } from "../../lib/net/frame_decoder.ts";
import { Reader } from "../../lib/protocol/reader.ts";
import { Writer } from "../../lib/protocol/writer.ts";
import { KafkaError } from "../../lib/protocol/kafka_error.ts";

/** What the worker reports. */
export interface RoundTrip {
  correlationId?: number;
  errorCode?: number;
  apiKeys?: number[];
  closed?: boolean;
  error?: { name: string; errorName?: string; retriable?: boolean; message: string };
}

function apiVersionsV3(correlationId: number): Uint8Array {
  const w = new Writer();
  const size = w.reserve(4);
  w.int16(18);
  w.int16(3);
  w.int32(correlationId);
  w.nullableString("kanal-workerd");
  w.uvarint(0);
  w.compactString("kanal");
  w.compactString("0.1.0");
  w.uvarint(0);
  w.setInt32At(size, w.length - 4);
  return w.toBytes();
}

async function roundTrip(host: string, port: number): Promise<RoundTrip> {
  const socket = await workerdTransport({ host, port });
  try {
    const writer = socket.writable.getWriter();
    await writer.write(apiVersionsV3(31337));
    writer.releaseLock();
    const { value } = await socket.readable.pipeThrough(new FrameDecoder()).getReader().read();
    if (!value) throw new Error("the broker closed without answering");
    const r = new Reader(value);
    const correlationId = r.int32();
    const errorCode = r.int16();
    const apiKeys: number[] = [];
    const n = r.compactArrayLength(7);
    for (let i = 0; i < n; i++) {
      apiKeys.push(r.int16());
      r.int16();
      r.int16();
      r.uvarint();
    }
    return { correlationId, errorCode, apiKeys };
  } finally {
    await socket.close();
  }
}

export default {
  async fetch(request: Request, env: { KAFKA_BROKERS: string | null }): Promise<Response> {
    const first = (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",")[0]!.trim();
    const i = first.lastIndexOf(":");
    const host = first.slice(0, i);
    const port = Number(new URL(request.url).searchParams.get("port") ?? first.slice(i + 1));
    let result: RoundTrip;
    try {
      result = await roundTrip(host, port);
      result.closed = true;
    } catch (e) {
      const err = e as Error;
      result = {
        error: {
          name: err.name,
          errorName: e instanceof KafkaError ? e.errorName : undefined,
          retriable: e instanceof KafkaError ? e.retriable : undefined,
          message: err.message,
        },
      };
    }
    return Response.json(result);
  },
};
