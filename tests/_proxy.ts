// Copyright 2026 the kanal authors. MIT license.
/**
 * A small TCP proxy for fault tests: it forwards 127.0.0.1:<port> to a broker and can cut every
 * connection, or stop forwarding (a broker that hangs), on command.
 *
 * @module
 */

import { connect, createServer, type Server, type Socket } from "node:net";
import type { BrokerAddress } from "./_kafka.ts";

/** A running proxy; `await using` closes it. */
export interface TcpProxy extends AsyncDisposable {
  /** Where clients connect. */
  readonly address: BrokerAddress;
  /** Bytes that went client → broker, over all connections. */
  readonly bytesUp: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every open connection, both sides. New connections are still accepted. */
  cut(): void;
  /** Stops passing bytes in either direction until `resume()`; connections stay open. */
  stall(): void;
  /** Passes bytes again after `stall()`. */
  resume(): void;
  /** Calls `fn` with each chunk going up, before it is forwarded; throwing cuts the connection. */
  onUpstream(fn: ((chunk: Uint8Array) => void) | null): void;
  /** Calls `fn` with each chunk coming down, which it may change in place, before it is forwarded. */
  onDownstream(fn: ((chunk: Uint8Array) => void) | null): void;
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

/** Starts a proxy on a free 127.0.0.1 port that forwards to `target`. */
export async function startProxy(target: BrokerAddress): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  let bytesUp = 0;
  let connections = 0;
  let upstreamHook: ((chunk: Uint8Array) => void) | null = null;
  let downstreamHook: ((chunk: Uint8Array) => void) | null = null;
  const held: Array<() => void> = [];

  const server: Server = createServer((client) => {
    connections++;
    const upstream = connect({ host: target.host, port: target.port });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    const forward = (from: Socket, to: Socket, up: boolean) => {
      from.on("data", (chunk: Uint8Array) => {
        const send = () => {
          if (up) {
            try {
              upstreamHook?.(chunk);
            } catch {
              drop();
              return;
            }
            bytesUp += chunk.length;
          } else downstreamHook?.(chunk);
          to.write(chunk);
        };
        if (stalled) held.push(send);
        else send();
      });
    };
    forward(client, upstream, true);
    forward(upstream, client, false);
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };

  const proxy: TcpProxy = {
    address: { host: "127.0.0.1", port },
    get bytesUp() {
      return bytesUp;
    },
    get connections() {
      return connections;
    },
    cut() {
      held.length = 0;
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const send of held.splice(0)) send();
    },
    onUpstream(fn) {
      upstreamHook = fn;
    },
    onDownstream(fn) {
      downstreamHook = fn;
    },
    async close() {
      proxy.cut();
      await new Promise<void>((r) => server.close(() => r()));
    },
    [Symbol.asyncDispose]() {
      return proxy.close();
    },
  };
  return proxy;
}
