// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The SASL step of a connection: SaslHandshake, then the mechanism's SaslAuthenticate round
 * trips. Used at connect and again for each re-authentication (KIP-368).
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import type { ApiCodec } from "../protocol/messages/api_table.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { SaslMechanism } from "../sasl/sasl_mechanism.ts";

const UNSUPPORTED_SASL_MECHANISM = 33;

/** How the SASL step sends a request on its connection, bypassing the re-authentication gate. */
export type SaslSend = <Req, Res>(
  api: ApiCodec<Req, Res>,
  body: Req,
  version: number,
) => Promise<Res>;

/**
 * Authenticates with `mechanism` and resolves with the session lifetime the broker granted, in
 * ms (0: none, the session never expires).
 *
 * @throws {KafkaError} `UNSUPPORTED_SASL_MECHANISM` naming the broker's mechanisms;
 * `SASL_AUTHENTICATION_FAILED` with the broker's reason (never the secret). Neither is
 * retriable.
 */
export async function saslAuthenticate(
  send: SaslSend,
  mechanism: SaslMechanism,
  host: string,
  port: number,
  authenticateVersion: number,
): Promise<number> {
  const hs = await send(API_TABLE[17], { mechanism: mechanism.name }, 1);
  if (hs.errorCode === UNSUPPORTED_SASL_MECHANISM) {
    throw new KafkaError(hs.errorCode, { api: "SaslHandshake" }, {
      message: `${host}:${port} does not offer SASL ${mechanism.name}; it offers ${
        hs.mechanisms.length ? hs.mechanisms.join(", ") : "none"
      }`,
    });
  }
  if (hs.errorCode !== 0) throw new KafkaError(hs.errorCode, { api: "SaslHandshake" });
  let lifetime = 0;
  await mechanism.authenticate({
    host,
    port,
    send: async (bytes) => {
      const res = await send(API_TABLE[36], { authBytes: bytes }, authenticateVersion);
      if (res.errorCode !== 0) {
        throw new KafkaError(res.errorCode, {
          api: "SaslAuthenticate",
          detail: res.errorMessage,
        });
      }
      lifetime = Number(res.sessionLifetimeMs ?? 0n);
      return res.authBytes;
    },
  });
  return lifetime;
}
