// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's client configuration, read into kanal's `Client` options, with what kanal cannot
 * honour said at construction: an error for what would change behaviour (a socket factory, TLS
 * without verifying the chain, a SASL mechanism kanal lacks), a warning for tuning it ignores.
 *
 * @module
 */

import type { ClientOptions } from "../client/client.ts";
import type { TlsOptions, Transport } from "../net/transport.ts";
import { saslMechanism } from "../sasl/sasl_config.ts";
import type { SaslMechanism } from "../sasl/sasl_mechanism.ts";
import { KafkaJSNotImplemented } from "./errors.ts";
import type { logLevel } from "./constants.ts";
import type { logCreator, Logger } from "./logger.ts";

/** KafkaJS's retry options; kanal uses `retries` and `initialRetryTime`. */
export interface RetryOptions {
  /** How many times to try again. */
  retries?: number;
  /** The first wait before trying again, in milliseconds. */
  initialRetryTime?: number;
  /** The longest wait. */
  maxRetryTime?: number;
  /** Randomisation of each wait. */
  factor?: number;
  /** How much each wait grows. */
  multiplier?: number;
}

/** KafkaJS's SASL options. */
export type SASLOptions =
  | { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string }
  | { mechanism: "oauthbearer"; oauthBearerProvider: () => Promise<{ value: string }> };

/** KafkaJS's TLS options (Node's `tls.connect` options), as far as kanal reads them. */
export interface SSLOptions {
  /** Certificates to trust (PEM), one or several. */
  ca?: string | Uint8Array | (string | Uint8Array)[];
  /** The client certificate chain (PEM). */
  cert?: string | Uint8Array;
  /** The client key (PEM). */
  key?: string | Uint8Array;
  /** The name to check the certificate against. */
  servername?: string;
  /** `false` turns off checking the chain: kanal refuses that. */
  rejectUnauthorized?: boolean;
  /** Any other Node TLS option: kanal names the ones it ignores. */
  [option: string]: unknown;
}

/** KafkaJS's `new Kafka(config)`. */
export interface KafkaConfig {
  /** Bootstrap brokers, or a function that returns them (called at each connect). */
  brokers: string[] | (() => string[] | Promise<string[]>);
  /** TLS: `true`, or Node's TLS options. */
  ssl?: boolean | SSLOptions;
  /** SASL. */
  sasl?: SASLOptions;
  /** The client id. */
  clientId?: string;
  /** Connect timeout, in milliseconds. */
  connectionTimeout?: number;
  /** Request timeout, in milliseconds. */
  requestTimeout?: number;
  /** Retries. */
  retry?: RetryOptions;
  /** The log level. */
  logLevel?: logLevel;
  /** Where logs go. */
  logCreator?: logCreator;
  /**
   * kanal's own addition: the transport to dial brokers with, e.g. the in-process fake
   * cluster's (`FakeCluster.transport`) in tests. @default {the runtime's sockets}
   */
  transport?: Transport;
  /** Any other KafkaJS option: kanal names the ones it ignores. */
  [option: string]: unknown;
}

const KNOWN = new Set([
  "brokers",
  "ssl",
  "sasl",
  "clientId",
  "connectionTimeout",
  "requestTimeout",
  "retry",
  "logLevel",
  "logCreator",
  "transport",
]);
/** Options kanal has its own answer for; setting them changes nothing. */
const IGNORED: Record<string, string> = {
  authenticationTimeout: "SASL runs within the connect timeout",
  reauthenticationThreshold: "kanal re-authenticates at 85-95% of the session the broker gives",
  enforceRequestTimeout: "every request has its timeout",
};

const text = (v: string | Uint8Array): string =>
  typeof v === "string" ? v : new TextDecoder().decode(v);

function tlsOptions(ssl: boolean | SSLOptions | undefined, log: Logger): TlsOptions | boolean {
  if (ssl === undefined || ssl === false) return false;
  if (ssl === true) return true;
  if (ssl.rejectUnauthorized === false) {
    throw new KafkaJSNotImplemented(
      "Cannot connect with ssl.rejectUnauthorized false as kanal always verifies the broker's " +
        "certificate chain: pass the CA that signed it as ssl.ca",
    );
  }
  const out: { -readonly [K in keyof TlsOptions]: TlsOptions[K] } = {};
  if (ssl.ca !== undefined) out.caCerts = (Array.isArray(ssl.ca) ? ssl.ca : [ssl.ca]).map(text);
  if (ssl.cert !== undefined) out.cert = text(ssl.cert);
  if (ssl.key !== undefined) out.key = text(ssl.key);
  if (ssl.servername !== undefined) out.serverName = ssl.servername;
  const rest = Object.keys(ssl).filter((k) =>
    !["ca", "cert", "key", "servername", "rejectUnauthorized"].includes(k)
  );
  if (rest.length > 0) log.warn(`kanal ignores these ssl options: ${rest.join(", ")}`);
  return out;
}

function sasl(config: SASLOptions | undefined): SaslMechanism | undefined {
  if (config === undefined) return undefined;
  const mechanism = String((config as { mechanism?: unknown }).mechanism ?? "").toLowerCase();
  if (mechanism === "oauthbearer") {
    const provider = (config as { oauthBearerProvider?: () => Promise<{ value: string }> })
      .oauthBearerProvider;
    if (typeof provider !== "function") {
      throw new KafkaJSNotImplemented("Cannot use SASL oauthbearer without oauthBearerProvider");
    }
    // KafkaJS's provider says nothing of expiry and KafkaJS asks it again for each connection:
    // a minute's validity makes kanal ask again as often as a busy KafkaJS client would.
    return saslMechanism({
      mechanism,
      token: async () => ({ value: (await provider()).value, expiresAtMs: Date.now() + 60_000 }),
    });
  }
  if (!["plain", "scram-sha-256", "scram-sha-512"].includes(mechanism)) {
    throw new KafkaJSNotImplemented(
      `Cannot use SASL mechanism "${mechanism}" as kanal's KafkaJS layer has plain, ` +
        "scram-sha-256, scram-sha-512 and oauthbearer",
    );
  }
  const { username, password } = config as { username: string; password: string };
  return saslMechanism({ mechanism, username, password });
}

/**
 * Reads KafkaJS's configuration into kanal's client options, less the brokers (which may come
 * from a function at connect time).
 *
 * @throws {KafkaJSNotImplemented} for what kanal cannot honour without changing behaviour.
 */
export function clientOptions(
  config: KafkaConfig,
  log: Logger,
): Omit<ClientOptions, "brokers"> {
  if (config.socketFactory !== undefined) {
    throw new KafkaJSNotImplemented(
      "Cannot use socketFactory as kanal opens its own sockets in every runtime",
    );
  }
  const ignored = Object.keys(config).filter((k) => !KNOWN.has(k));
  for (const k of ignored) {
    log.warn(`kanal ignores the option ${k}: ${IGNORED[k] ?? "kanal has no such setting"}`);
  }
  const o: { -readonly [K in keyof ClientOptions]?: ClientOptions[K] } = {
    tls: tlsOptions(config.ssl, log),
  };
  const mechanism = sasl(config.sasl);
  if (mechanism !== undefined) o.sasl = mechanism;
  if (config.clientId !== undefined) o.clientId = config.clientId;
  if (config.transport !== undefined) o.transport = config.transport;
  if (config.connectionTimeout !== undefined) o.connectTimeoutMs = config.connectionTimeout;
  if (config.requestTimeout !== undefined) o.requestTimeoutMs = config.requestTimeout;
  if (config.retry?.initialRetryTime !== undefined) {
    o.retryBackoffMs = config.retry.initialRetryTime;
  }
  return o;
}

/** The bootstrap brokers, calling KafkaJS's broker function when one is given. */
export async function bootstrap(config: KafkaConfig): Promise<string[]> {
  const b = typeof config.brokers === "function" ? await config.brokers() : config.brokers;
  if (!Array.isArray(b) || b.length === 0) {
    throw new KafkaJSNotImplemented("Cannot connect as brokers is empty");
  }
  return b;
}
