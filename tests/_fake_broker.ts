// Copyright 2026 the kanal authors. MIT license.
/**
 * A tiny scripted broker on 127.0.0.1 for tests that need a peer misbehaving on purpose: it
 * frames what the client sends, answers ApiVersions like a real broker (unless told not to),
 * and hands every other request to the test, which answers with whatever bytes it likes.
 *
 * @module
 */

import { createServer, type Server, type Socket } from "node:net";
import { Writer } from "../lib/protocol/writer.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import {
  CLIENT_APIS,
  type DecodedRequest,
  readRequestFrame,
  writeResponseFrame,
} from "../lib/protocol/request_frame.ts";
import type { ApiCodec } from "../lib/protocol/messages/api_table.ts";

/** One client connection as the fake broker sees it. */
export interface FakeConn {
  /** Writes raw bytes to the client. */
  send(bytes: Uint8Array): void;
  /** Writes a well-formed response frame. */
  answer<Res>(api: ApiCodec<unknown, Res>, version: number, correlationId: number, body: Res): void;
  /** Closes the socket at once. */
  destroy(): void;
  /** The connection's number, from 0, in accept order. */
  readonly index: number;
}

/** What the test does with a request. */
export type OnRequest = (req: DecodedRequest, conn: FakeConn) => void;

/** A running fake broker. */
export interface FakeBroker {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Options for {@linkcode startFakeBroker}. */
export interface FakeBrokerOptions {
  /** Whether ApiVersions is answered here (with every API kanal knows) or passed on. @default {true} */
  answerApiVersions?: boolean;
}

/** The ApiVersions answer of a broker that speaks everything kanal does. */
export function apiVersionsAnswer(correlationId: number, version: number): Uint8Array {
  const w = new Writer();
  writeResponseFrame(w, API_TABLE[18], version, correlationId, {
    errorCode: 0,
    apiKeys: CLIENT_APIS.map((a) => ({
      apiKey: a.key,
      minVersion: a.minVersion,
      maxVersion: a.maxVersion,
    })),
    throttleTimeMs: 0,
  });
  return w.toBytes();
}

/** Frames a body (correlation id first) with its int32 size. */
export function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Starts a fake broker on a free 127.0.0.1 port. */
export async function startFakeBroker(
  onRequest: OnRequest,
  options: FakeBrokerOptions = {},
): Promise<FakeBroker> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A client that hangs up mid-write is normal here.
    socket.on("error", () => {});
    const conn: FakeConn = {
      index: accepted++,
      send: (bytes) => void socket.write(bytes),
      answer: (api, version, correlationId, body) => {
        const w = new Writer();
        writeResponseFrame(w, api, version, correlationId, body);
        socket.write(w.toBytes());
      },
      destroy: () => void socket.destroy(),
    };
    let pending = new Uint8Array(0);
    socket.on("data", (chunk: Uint8Array) => {
      const next = new Uint8Array(pending.length + chunk.length);
      next.set(pending);
      next.set(chunk, pending.length);
      pending = next;
      while (pending.length >= 4) {
        const size = new DataView(pending.buffer, pending.byteOffset).getInt32(0);
        if (pending.length < 4 + size) break;
        const body = pending.slice(4, 4 + size);
        pending = pending.slice(4 + size);
        const req = readRequestFrame(body);
        if (req.api.info.key === 18 && options.answerApiVersions !== false) {
          conn.send(apiVersionsAnswer(req.correlationId, req.version));
        } else onRequest(req, conn);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host: "127.0.0.1",
    port,
    get accepted() {
      return accepted;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
