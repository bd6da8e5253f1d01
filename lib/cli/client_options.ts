// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The flags every command that talks to a cluster shares (`-b`, `-X`, `-m`), and how they
 * become {@linkcode ClientOptions}: kcat's property names map to kanal's option names.
 *
 * @module
 */

import type { ClientOptions } from "../client/client.ts";
import { type FlagSpec, type ParsedArgs, UsageError } from "./args.ts";
import { SECURITY_KEYS, securityOptions } from "./_security_options.ts";

/** `-b`, `-X` and `-m`, as kcat spells them. */
export const CLIENT_FLAGS: readonly FlagSpec[] = [
  {
    name: "brokers",
    short: "b",
    value: "BROKERS",
    description: "Bootstrap brokers, host:port[,host:port...]",
  },
  {
    name: "config",
    short: "X",
    value: "KEY=VALUE",
    repeatable: true,
    description: "Client option: kanal's name (requestTimeoutMs) or kcat's (request.timeout.ms)",
  },
  {
    name: "timeout",
    short: "m",
    value: "SECONDS",
    description: "Request timeout in seconds, as kcat's -m",
  },
];

type Kind = "string" | "number" | "boolean";

// kanal's option names that can be set from the command line, and how to read their values.
const KINDS: Readonly<Record<string, Kind>> = {
  brokers: "string",
  clientId: "string",
  requestTimeoutMs: "number",
  connectTimeoutMs: "number",
  maxInFlight: "number",
  maxFrameBytes: "number",
  metadataMaxAgeMs: "number",
  retryBackoffMs: "number",
  reconnectBackoffMs: "number",
  reconnectBackoffMaxMs: "number",
  allowAutoTopicCreation: "boolean",
  tls: "boolean",
};

// librdkafka's names (what kcat users type) for the same options.
const KCAT_NAMES: Readonly<Record<string, string>> = {
  "bootstrap.servers": "brokers",
  "metadata.broker.list": "brokers",
  "client.id": "clientId",
  "request.timeout.ms": "requestTimeoutMs",
  "socket.timeout.ms": "requestTimeoutMs",
  "socket.connection.setup.timeout.ms": "connectTimeoutMs",
  "max.in.flight": "maxInFlight",
  "max.in.flight.requests.per.connection": "maxInFlight",
  "receive.message.max.bytes": "maxFrameBytes",
  "metadata.max.age.ms": "metadataMaxAgeMs",
  "topic.metadata.refresh.interval.ms": "metadataMaxAgeMs",
  "retry.backoff.ms": "retryBackoffMs",
  "reconnect.backoff.ms": "reconnectBackoffMs",
  "reconnect.backoff.max.ms": "reconnectBackoffMaxMs",
  "allow.auto.create.topics": "allowAutoTopicCreation",
};

/**
 * Builds client options from `-b`, `-m` and every `-X key=value`. Keys are kanal's option names
 * or kcat's (`client.id`, `request.timeout.ms`, …); a key neither knows
 * is passed through unchanged, so `Client.connect` rejects it with its own message naming the
 * nearest option. `-b` wins over `-X bootstrap.servers`; `-X` wins over `-m`.
 *
 * @throws {UsageError} for `-X` without `=`, a value of the wrong kind, or no brokers at all.
 *
 * @example kcat's names become kanal's
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import { CLIENT_FLAGS, clientOptionsFromArgs } from "./client_options.ts";
 * import assert from "node:assert/strict";
 *
 * const args = parseArgs(
 *   ["-b", "b1:9092", "-X", "client.id=tool", "-X", "request.timeout.ms=5000"],
 *   CLIENT_FLAGS,
 * );
 * assert.deepEqual(clientOptionsFromArgs(args), {
 *   brokers: "b1:9092",
 *   clientId: "tool",
 *   requestTimeoutMs: 5000,
 * });
 * ```
 */
export function clientOptionsFromArgs(args: ParsedArgs): ClientOptions {
  const out: Record<string, unknown> = {};
  const security = new Map<string, string>();
  const timeout = args.get("timeout");
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (timeout.trim() === "" || !(seconds > 0) || !Number.isFinite(seconds)) {
      throw new UsageError(
        `Cannot use -m as it must be a number of seconds above 0: current value is "${timeout}"`,
      );
    }
    // kcat's -m bounds how long it waits for the cluster: connecting and each request.
    out.requestTimeoutMs = out.connectTimeoutMs = Math.round(seconds * 1000);
  }
  for (const pair of args.all("config")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(`Cannot read -X as it must be key=value: current value is "${pair}"`);
    }
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1);
    if (SECURITY_KEYS.has(key)) {
      security.set(key, raw);
      continue;
    }
    const name = KCAT_NAMES[key] ?? key;
    const kind = KINDS[name];
    out[name] = kind === undefined ? raw : convert(key, kind, raw);
  }
  const { tls, sasl } = securityOptions(security);
  if (tls) out.tls = tls;
  if (sasl) out.sasl = sasl;
  const brokers = args.get("brokers");
  if (brokers !== undefined) out.brokers = brokers;
  if (out.brokers === undefined || out.brokers === "") {
    throw new UsageError(
      "Cannot connect as no brokers are given: use -b host:port (or -X bootstrap.servers=…)",
    );
  }
  return out as unknown as ClientOptions;
}

function convert(key: string, kind: Kind, raw: string): string | number | boolean {
  if (kind === "string") return raw;
  if (kind === "boolean") {
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw new UsageError(
      `Cannot use -X ${key} as it must be true or false: current value is "${raw}"`,
    );
  }
  const n = Number(raw);
  if (raw.trim() === "" || Number.isNaN(n)) {
    throw new UsageError(`Cannot use -X ${key} as it must be a number: current value is "${raw}"`);
  }
  return n;
}
