// Copyright 2026 the kanal authors. MIT license.
/**
 * The harness broker's security listeners (scripts/kafka.sh): fixed offsets from the PLAINTEXT
 * port of `KAFKA_BROKERS`, and the TLS material `up` made in `.kafka-harness/tls/`.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brokers } from "./_kafka.ts";

/** The listeners of the first broker in `KAFKA_BROKERS`, as `host:port`. */
export interface SecurityListeners {
  saslPlaintext: string;
  ssl: string;
  saslSsl: string;
  mtls: string;
}

/** Where the security listeners are: PLAINTEXT + 2, + 3, + 4 and + 5. */
export function securityListeners(): SecurityListeners {
  const { host, port } = brokers()[0]!;
  return {
    saslPlaintext: `${host}:${port + 2}`,
    ssl: `${host}:${port + 3}`,
    saslSsl: `${host}:${port + 4}`,
    mtls: `${host}:${port + 5}`,
  };
}

/** The harness's TLS folder: `KAFKA_HARNESS_TLS`, else `.kafka-harness/tls` of this checkout. */
export function tlsDir(): string {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env;
  return env?.KAFKA_HARNESS_TLS ??
    join(new URL("..", import.meta.url).pathname, ".kafka-harness", "tls");
}

/** The CA to trust and the client certificate (CN=alice) for the MTLS listener, in PEM. */
export function tlsMaterial(): { ca: string; cert: string; key: string } {
  const d = tlsDir();
  return {
    ca: readFileSync(join(d, "ca.pem"), "utf8"),
    cert: readFileSync(join(d, "client.pem"), "utf8"),
    key: readFileSync(join(d, "client.key"), "utf8"),
  };
}

/** The harness's users: name and password, for PLAIN and both SCRAMs. */
export const USERS: Readonly<Record<"admin" | "alice" | "bob", string>> = {
  admin: "admin-secret",
  alice: "alice-secret",
  bob: "bob-secret",
};
