// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SASL OAUTHBEARER (RFC 7628, KIP-255): a bearer token from a provider the user passes, fetched
 * again before it expires.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import type { SaslExchange, SaslMechanism } from "./sasl_mechanism.ts";

const SASL_AUTHENTICATION_FAILED = 58;

/** A bearer token and when it stops being valid. */
export interface OAuthBearerToken {
  /** The token itself, e.g. a JWT. */
  value: string;
  /** When it expires, in milliseconds since the epoch. */
  expiresAtMs: number;
  /** SASL extensions (KIP-342) sent with it, e.g. Confluent Cloud's `logicalCluster`. */
  extensions?: Record<string, string>;
}

/** Options for {@linkcode oauthBearer}. */
export interface OAuthBearerOptions {
  /**
   * Fetches a fresh token. Called on first use and again once `refreshFraction` of the token's
   * lifetime has passed, so connections and re-authentications always send a live token.
   */
  token: () => Promise<OAuthBearerToken> | OAuthBearerToken;
  /** The share of a token's lifetime after which it is fetched again, as Java's 0.8. @default {0.8} */
  refreshFraction?: number;
}

/**
 * The OAUTHBEARER mechanism. Connections share the token; concurrent connects share one fetch.
 *
 * @example A token provider, called once for two exchanges
 * ```ts
 * import { oauthBearer } from "./oauth_bearer.ts";
 * import assert from "node:assert/strict";
 *
 * let calls = 0;
 * const m = oauthBearer({
 *   token: () => ({ value: `t${++calls}`, expiresAtMs: Date.now() + 60_000 }),
 * });
 * const sent: string[] = [];
 * const exchange = {
 *   host: "b1",
 *   port: 9092,
 *   send: (b: Uint8Array) => (sent.push(new TextDecoder().decode(b)), Promise.resolve(new Uint8Array())),
 * };
 * await m.authenticate(exchange);
 * await m.authenticate(exchange);
 * assert.equal(calls, 1);
 * assert.equal(sent[1], "n,,\x01auth=Bearer t1\x01\x01");
 * ```
 */
export function oauthBearer(options: OAuthBearerOptions): SaslMechanism {
  return new OAuthBearer(options);
}

class OAuthBearer implements SaslMechanism {
  readonly name = "OAUTHBEARER";
  readonly #provide: OAuthBearerOptions["token"];
  readonly #fraction: number;
  #token: OAuthBearerToken | undefined;
  #refreshAt = 0;
  #fetching: Promise<OAuthBearerToken> | undefined;

  constructor(options: OAuthBearerOptions) {
    if (typeof options?.token !== "function") {
      throw new TypeError("Cannot use SASL OAUTHBEARER as token must be a function");
    }
    const f = options.refreshFraction ?? 0.8;
    if (!(f > 0 && f <= 1)) {
      throw new RangeError(
        `Cannot use SASL OAUTHBEARER as refreshFraction must be above 0 and at most 1: current value is ${f}`,
      );
    }
    this.#provide = options.token;
    this.#fraction = f;
  }

  async authenticate(exchange: SaslExchange): Promise<void> {
    const token = await this.#current();
    let message = `n,,\x01auth=Bearer ${token.value}\x01`;
    for (const [k, v] of Object.entries(token.extensions ?? {})) message += `${k}=${v}\x01`;
    const reply = await exchange.send(new TextEncoder().encode(message + "\x01"));
    if (reply.length > 0) {
      // RFC 7628: an error comes as a JSON challenge; the client answers with one 0x01 and the
      // broker then fails the exchange. Its status is safe to show: it holds no token.
      let status = "";
      try {
        status = String(JSON.parse(new TextDecoder().decode(reply)).status ?? "");
      } catch { /* not JSON: the broker's failure below says enough */ }
      await exchange.send(new Uint8Array([1]));
      throw new KafkaError(SASL_AUTHENTICATION_FAILED, { api: "SaslAuthenticate" }, {
        message: `OAUTHBEARER failed: the broker refused the token${status ? ` (${status})` : ""}`,
      });
    }
  }

  toJSON(): { mechanism: string } {
    return { mechanism: this.name };
  }

  toString(): string {
    return "OAUTHBEARER";
  }

  async #current(): Promise<OAuthBearerToken> {
    if (this.#token && Date.now() < this.#refreshAt) return this.#token;
    this.#fetching ??= (async () => {
      try {
        const now = Date.now();
        const t = await this.#provide();
        if (typeof t?.value !== "string" || t.value === "" || !Number.isFinite(t.expiresAtMs)) {
          throw new TypeError(
            "Cannot use SASL OAUTHBEARER as the token provider must return { value, expiresAtMs }",
          );
        }
        if (t.expiresAtMs <= Date.now()) {
          throw new KafkaError(SASL_AUTHENTICATION_FAILED, { api: "SaslAuthenticate" }, {
            message: "OAUTHBEARER failed: the token provider returned an expired token",
          });
        }
        this.#token = t;
        this.#refreshAt = now + (t.expiresAtMs - now) * this.#fraction;
        return t;
      } finally {
        this.#fetching = undefined;
      }
    })();
    return await this.#fetching;
  }
}

/**
 * An unsecured JWS token (`alg: none`) for `sub`, as Kafka's unsecured validator accepts: for
 * test brokers only, never production.
 *
 * @example A token for alice, valid for a minute
 * ```ts
 * import { unsecuredToken } from "./oauth_bearer.ts";
 * import assert from "node:assert/strict";
 *
 * const t = unsecuredToken("alice", 60_000);
 * assert.equal(t.value.split(".").length, 3);
 * assert.ok(t.expiresAtMs > Date.now());
 * ```
 */
export function unsecuredToken(sub: string, lifetimeMs: number): OAuthBearerToken {
  const now = Date.now();
  const exp = Math.floor((now + lifetimeMs) / 1000);
  const part = (o: unknown) =>
    btoa(JSON.stringify(o)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const value = `${part({ alg: "none" })}.${part({ sub, iat: Math.floor(now / 1000), exp })}.`;
  return { value, expiresAtMs: exp * 1000 };
}
