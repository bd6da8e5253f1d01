// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The contract between kanal's connections and a SASL mechanism. kanal ships PLAIN, SCRAM and
 * OAUTHBEARER; a user or a package can plug in another (AWS MSK IAM, GSSAPI) by implementing
 * {@linkcode SaslMechanism}.
 *
 * @module
 */

/**
 * One SASL exchange on one connection. The connection has already sent SaslHandshake with the
 * mechanism's name; {@linkcode SaslExchange.send} carries one SaslAuthenticate round trip.
 */
export interface SaslExchange {
  /** The broker's host, for mechanisms that sign it (AWS MSK IAM does). */
  readonly host: string;
  /** The broker's port. */
  readonly port: number;
  /**
   * Sends `bytes` in a SaslAuthenticate request and resolves with the broker's answer. A broker
   * that refuses rejects it with a `KafkaError` (`SASL_AUTHENTICATION_FAILED`, not retriable).
   */
  send(bytes: Uint8Array): Promise<Uint8Array>;
}

/**
 * A SASL mechanism: its name, as the broker lists it, and how to authenticate over an exchange.
 *
 * Mechanisms hold secrets: keep them in private fields and give `toJSON` (and `toString`) a form
 * without them, so an options dump never shows a password.
 *
 * @example A mechanism of one's own
 * ```ts
 * import type { SaslExchange, SaslMechanism } from "./sasl_mechanism.ts";
 * import assert from "node:assert/strict";
 *
 * const anonymous: SaslMechanism = {
 *   name: "ANONYMOUS",
 *   async authenticate(exchange: SaslExchange): Promise<void> {
 *     await exchange.send(new TextEncoder().encode("kanal"));
 *   },
 * };
 * const sent: string[] = [];
 * await anonymous.authenticate({
 *   host: "b1",
 *   port: 9092,
 *   send: (b) => (sent.push(new TextDecoder().decode(b)), Promise.resolve(new Uint8Array())),
 * });
 * assert.deepEqual(sent, ["kanal"]);
 * ```
 */
export interface SaslMechanism {
  /** The mechanism's name in SaslHandshake, e.g. `SCRAM-SHA-512`. */
  readonly name: string;
  /**
   * Runs the whole exchange; resolves once the client is authenticated. Called again for each
   * re-authentication (KIP-368), so a mechanism with expiring credentials fetches fresh ones.
   */
  authenticate(exchange: SaslExchange): Promise<void>;
}
