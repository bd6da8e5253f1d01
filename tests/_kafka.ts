// Copyright 2026 the kanal authors. MIT license.
/**
 * What broker-backed tests share: where the brokers are, a loud failure when none listens,
 * and a raw request/response over a plain socket for tests that run below the client.
 *
 * Tests may use runtime APIs; `node:net` is used because Deno and Bun both provide it.
 *
 * @module
 */

import { connect, type Socket } from "node:net";

/** One broker address. */
export interface BrokerAddress {
  host: string;
  port: number;
}

function parseList(list: string): BrokerAddress[] {
  return list.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
    const i = s.lastIndexOf(":");
    return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  });
}

function env(name: string): string | undefined {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env[name];
}

/** The single-node bootstrap list: `KAFKA_BROKERS`, default 127.0.0.1:9092. */
export function brokers(): BrokerAddress[] {
  return parseList(env("KAFKA_BROKERS") ?? "127.0.0.1:9092");
}

/** The bootstrap list as a string, for kcat's -b and the client's options. */
export function brokerList(): string {
  return brokers().map((b) => `${b.host}:${b.port}`).join(",");
}

/** The three-node cluster: `KAFKA_CLUSTER_BROKERS`, default :19092, :19192, :19292. */
export function clusterBrokers(): BrokerAddress[] {
  return parseList(
    env("KAFKA_CLUSTER_BROKERS") ?? "127.0.0.1:19092,127.0.0.1:19192,127.0.0.1:19292",
  );
}

function open(b: BrokerAddress, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: b.host, port: b.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timed out connecting to ${b.host}:${b.port}`));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * Checks that a broker listens at `b` (default: the first of {@linkcode brokers}) and throws a
 * loud error with the way to start one when it does not. Tests call it first, so a missing
 * broker is a failure, never a skip.
 */
export async function requireBroker(b: BrokerAddress = brokers()[0]!): Promise<BrokerAddress> {
  try {
    const s = await open(b, 3000);
    s.destroy();
    return b;
  } catch (e) {
    throw new Error(
      `No Kafka broker at ${b.host}:${b.port} (${(e as Error).message}). ` +
        "Start one with `scripts/kafka.sh up` (or `up --nodes 3` for the cluster), " +
        "or point KAFKA_BROKERS at one.",
    );
  }
}

/**
 * Sends one size-prefixed request frame and resolves with the body of the first response frame
 * (without its 4-byte size). For tests below the client layer.
 */
export async function rawRequest(
  b: BrokerAddress,
  frame: Uint8Array,
  timeoutMs = 10_000,
): Promise<Uint8Array> {
  const s = await open(b, timeoutMs);
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let have = 0;
      const timer = setTimeout(
        () => reject(new Error("timed out waiting for a response")),
        timeoutMs,
      );
      s.on("data", (c: Uint8Array) => {
        chunks.push(new Uint8Array(c));
        have += c.length;
        if (have < 4) return;
        const all = new Uint8Array(have);
        let o = 0;
        for (const x of chunks) {
          all.set(x, o);
          o += x.length;
        }
        const size = new DataView(all.buffer).getInt32(0);
        if (have >= 4 + size) {
          clearTimeout(timer);
          resolve(all.slice(4, 4 + size));
        }
      });
      s.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      s.once("close", () => {
        clearTimeout(timer);
        reject(new Error("connection closed before a whole response came"));
      });
      s.write(frame);
    });
  } finally {
    s.destroy();
  }
}
