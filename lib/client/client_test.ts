import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "./client.ts";
import type { BrokerSocket, Transport } from "../net/transport.ts";
import { API_TABLE, type ApiCodec } from "../protocol/messages/api_table.ts";
import { CLIENT_APIS, readRequestFrame, writeResponseFrame } from "../protocol/request_frame.ts";
import { Writer } from "../protocol/writer.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";

/**
 * A broker in memory that speaks every version kanal does: it answers ApiVersions with
 * CLIENT_APIS and hands every other request to `answer`, and records what it was asked.
 */
function fakeBroker(
  answer: (key: number, version: number) => unknown,
): { transport: Transport; asked: { key: number; version: number }[] } {
  const asked: { key: number; version: number }[] = [];
  const transport: Transport = () => {
    const down = new TransformStream<Uint8Array, Uint8Array>();
    const out = down.writable.getWriter();
    let buffered = new Uint8Array(0);
    let done!: () => void;
    const closed = new Promise<void>((r) => done = r);
    const writable = new WritableStream<Uint8Array>({
      async write(chunk) {
        const joined = new Uint8Array(buffered.length + chunk.length);
        joined.set(buffered);
        joined.set(chunk, buffered.length);
        buffered = joined;
        while (buffered.length >= 4) {
          const size = new DataView(buffered.buffer, buffered.byteOffset).getInt32(0);
          if (buffered.length < 4 + size) break;
          const req = readRequestFrame(buffered.subarray(4, 4 + size));
          buffered = buffered.slice(4 + size);
          asked.push({ key: req.api.info.key, version: req.version });
          const body = req.api.info.key === 18
            ? {
              errorCode: 0,
              apiKeys: CLIENT_APIS.map((a) => ({
                apiKey: a.key,
                minVersion: a.minVersion,
                maxVersion: a.maxVersion,
              })),
            }
            : answer(req.api.info.key, req.version);
          const w = new Writer();
          writeResponseFrame(
            w,
            req.api as ApiCodec<unknown, unknown>,
            req.version,
            req.correlationId,
            body,
          );
          await out.write(w.toBytes());
        }
      },
    });
    const socket: BrokerSocket = {
      readable: down.readable,
      writable,
      closed,
      close: async () => {
        await out.close().catch(() => {}); // already closed when the client closed first
        done();
        return closed;
      },
    };
    return Promise.resolve(socket);
  };
  return { transport, asked };
}

test("a Metadata answer with a top-level error (v13+) fails the refresh with that error", async () => {
  const { transport, asked } = fakeBroker(() => ({
    brokers: [],
    topics: [],
    errorCode: ErrorCode.REBOOTSTRAP_REQUIRED,
  }));
  const e = await Client.connect({ brokers: "b1:9092", transport, requestTimeoutMs: 5000 }).then(
    async (client) => {
      await client.close();
      assert.fail("the client connected on metadata it was told not to use");
    },
    (e: unknown) => e,
  );
  assert.ok(e instanceof KafkaError, String(e));
  assert.equal(e.code, ErrorCode.REBOOTSTRAP_REQUIRED);
  assert.equal(e.retriable, false);
  const metadata = asked.find((a) => a.key === API_TABLE[3].info.key);
  assert.ok(metadata, "the client asked for metadata");
  assert.ok(metadata.version >= 13, `Metadata v${metadata.version} carries the top-level error`);
});
