// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Serves one client connection of a fake broker: reads frames, runs the hooks and the API's
 * handler, writes the answers. One request at a time, as a Kafka broker mutes a connection
 * until it has answered, so answers leave in request order.
 *
 * @module
 */

import { FrameDecoder } from "../net/frame_decoder.ts";
import type { BrokerSocket } from "../net/transport.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE, apiCodec } from "../protocol/messages/api_table.ts";
import { readRequestFrame, writeResponseFrame } from "../protocol/request_frame.ts";
import { Writer } from "../protocol/writer.ts";
import type { FakeBroker } from "./cluster_state.ts";
import type { FakeApiRange } from "./fake_versions.ts";
import type { FakeAction, FakeHooks } from "./fake_hooks.ts";
import {
  type FakeConnection,
  type FakeHandler,
  type HandlerContext,
  NO_RESPONSE,
  stampErrorCode,
} from "./handler.ts";

/** What a connection needs from its cluster. */
export interface ConnectionHost {
  readonly handlers: ReadonlyMap<number, FakeHandler>;
  readonly advertised: readonly FakeApiRange[];
  readonly hooks: FakeHooks;
  /** Records a handler's failure, so tests can see the fake misbehaved. */
  fault(error: unknown): void;
  /** Aborts when the cluster closes: every connection's signal follows it. */
  readonly closing: AbortSignal;
  /** Whether clients must authenticate before any API but ApiVersions and SASL's own. */
  readonly saslRequired: boolean;
  context(
    broker: FakeBroker,
    version: number,
    clientId: string | null,
    signal: AbortSignal,
    connection: FakeConnection,
  ): HandlerContext;
}

/** A served connection: `close()` cuts it. */
export interface ServedConnection {
  readonly brokerId: number;
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/** Largest request frame accepted: Kafka's `socket.request.max.bytes`. */
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;

function apiVersionsError(correlationId: number, advertised: readonly FakeApiRange[]): Uint8Array {
  const w = new Writer(256);
  writeResponseFrame(w, API_TABLE[18], 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: advertised.filter((r) => r.key === 18).map((r) => ({
      apiKey: 18,
      minVersion: r.minVersion,
      maxVersion: r.maxVersion,
    })),
  });
  return w.toBytes();
}

/** Starts serving `socket` for `broker`. */
export function serveConnection(
  socket: BrokerSocket,
  broker: FakeBroker,
  host: ConnectionHost,
): ServedConnection {
  const abort = new AbortController();
  const connection: FakeConnection = { sasl: null, user: null, closeAfterReply: false };
  const close = (): Promise<void> => {
    abort.abort();
    return socket.close().catch(() => {
      // A close that fails means the socket is already gone, which is what was asked.
    });
  };
  // One signal per connection that also ends with the cluster, made once rather than per
  // request: long polls and joins wait on it.
  const onClosing = (): void => abort.abort();
  host.closing.addEventListener("abort", onClosing, { once: true });
  const done = (async (): Promise<void> => {
    const frames = socket.readable.pipeThrough(
      new FrameDecoder({ maxFrameBytes: MAX_REQUEST_BYTES }),
    ).getReader();
    const out = socket.writable.getWriter();
    try {
      for (;;) {
        const { value: frame, done } = await frames.read();
        if (done || abort.signal.aborted) break;
        const answer = await respond(frame, broker, host, abort.signal, connection);
        if (answer === "close") break;
        if (answer === "mute") {
          await new Promise<void>((r) => abort.signal.addEventListener("abort", () => r()));
          break;
        }
        if (answer !== null) await out.write(answer);
        if (connection.closeAfterReply) break;
      }
    } catch {
      // A broken connection or bad framing: Kafka closes the connection, and so do we.
    } finally {
      host.closing.removeEventListener("abort", onClosing);
      await close();
      frames.releaseLock();
      out.releaseLock();
    }
  })();
  return { brokerId: broker.id, done, close };
}

async function respond(
  frame: Uint8Array,
  broker: FakeBroker,
  host: ConnectionHost,
  signal: AbortSignal,
  connection: FakeConnection,
): Promise<Uint8Array | null | "close" | "mute"> {
  if (frame.length < 8) return "close";
  const key = (frame[0]! << 8) | frame[1]!;
  const version = (frame[2]! << 8 | frame[3]!) << 16 >> 16;
  const correlationId = ((frame[4]! << 24) | (frame[5]! << 16) | (frame[6]! << 8) | frame[7]!) | 0;
  const range = host.advertised.find((r) => r.key === key);
  const handler = host.handlers.get(key);
  if (range === undefined || handler === undefined || apiCodec(key) === undefined) return "close";
  if (version < range.minVersion || version > range.maxVersion) {
    // Kafka answers an ApiVersions it cannot parse at v0 with its own range, so the client
    // can retry at a version both know; any other unsupported request closes the connection.
    return key === 18 ? apiVersionsError(correlationId, host.advertised) : "close";
  }
  if (host.saslRequired && connection.user === null && key !== 18 && key !== 17 && key !== 36) {
    return "close"; // Kafka closes a connection that skips authentication
  }
  let decoded;
  try {
    decoded = readRequestFrame(frame);
  } catch {
    return "close"; // InvalidRequestException: Kafka closes the connection
  }
  const ctx = host.context(broker, version, decoded.clientId, signal, connection);
  const actions: FakeAction[] = await host.hooks.run({
    key,
    name: decoded.api.info.name,
    version,
    body: decoded.body,
    brokerId: broker.id,
    clientId: decoded.clientId,
    correlationId,
  });
  const final = actions.find((a) => a.kind !== "delay");
  let body: unknown;
  try {
    if (final?.kind === "reply") body = final.body;
    else if (final?.kind === "drop") return final.silent ? "mute" : "close";
    else if (final?.kind === "error") {
      body = handler.errorAnswer
        ? handler.errorAnswer(ctx, decoded.body, final.code)
        : stampErrorCode(await handler.handle(ctx, decoded.body), final.code);
    } else {
      body = await handler.handle(ctx, decoded.body);
      if (final?.kind === "applyAndDrop") return final.silent ? "mute" : "close";
      if (final?.kind === "rewrite" && body !== NO_RESPONSE) body = final.fn(body);
    }
    if (body === NO_RESPONSE) return null;
    const w = new Writer(1024);
    writeResponseFrame(w, decoded.api, version, correlationId, body);
    return w.toBytes();
  } catch (e) {
    host.fault(e);
    return "close";
  }
}
