// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SASL SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) over Web Crypto: the password never
 * crosses the wire, and the broker proves it knows the credential too.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import type { SaslExchange, SaslMechanism } from "./sasl_mechanism.ts";
import { checkCredentials, type SaslCredentials } from "./_credentials.ts";

const SASL_AUTHENTICATION_FAILED = 58;
// Kafka's ScramMechanism bounds; more iterations from a peer would only burn CPU.
const MIN_ITERATIONS = 4096;
const MAX_ITERATIONS = 16384;

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * The SCRAM-SHA-256 mechanism for `username` and `password`.
 *
 * @example Shown without its password
 * ```ts
 * import { scramSha256 } from "./scram.ts";
 * import assert from "node:assert/strict";
 *
 * const m = scramSha256({ username: "alice", password: "alice-secret" });
 * assert.equal(m.name, "SCRAM-SHA-256");
 * assert.equal(JSON.stringify(m), '{"mechanism":"SCRAM-SHA-256","username":"alice"}');
 * ```
 */
export function scramSha256(credentials: SaslCredentials): SaslMechanism {
  return new Scram("SCRAM-SHA-256", "SHA-256", 256, credentials);
}

/**
 * The SCRAM-SHA-512 mechanism for `username` and `password`.
 *
 * @example Shown without its password
 * ```ts
 * import { scramSha512 } from "./scram.ts";
 * import assert from "node:assert/strict";
 *
 * const m = scramSha512({ username: "alice", password: "alice-secret" });
 * assert.equal(m.name, "SCRAM-SHA-512");
 * assert.equal(String(m), "SCRAM-SHA-512(alice)");
 * ```
 */
export function scramSha512(credentials: SaslCredentials): SaslMechanism {
  return new Scram("SCRAM-SHA-512", "SHA-512", 512, credentials);
}

class Scram implements SaslMechanism {
  readonly name: string;
  readonly #hash: string;
  readonly #bits: number;
  readonly #username: string;
  readonly #password: string;

  constructor(name: string, hash: string, bits: number, credentials: SaslCredentials) {
    checkCredentials(name, credentials);
    this.name = name;
    this.#hash = hash;
    this.#bits = bits;
    this.#username = credentials.username;
    this.#password = credentials.password;
  }

  async authenticate(exchange: SaslExchange): Promise<void> {
    const nonce = b64(crypto.getRandomValues(new Uint8Array(24)));
    const user = this.#username.replaceAll("=", "=3D").replaceAll(",", "=2C");
    const clientFirstBare = `n=${user},r=${nonce}`;
    const serverFirst = dec.decode(await exchange.send(enc.encode(`n,,${clientFirstBare}`)));
    const attrs = parseAttributes(serverFirst);
    const serverNonce = attrs.get("r");
    const salt = attrs.get("s");
    const iterations = Number(attrs.get("i"));
    if (serverNonce === undefined || !serverNonce.startsWith(nonce) || serverNonce === nonce) {
      throw this.#fail("the broker's nonce does not extend the client's");
    }
    if (salt === undefined) throw this.#fail("the broker sent no salt");
    if (
      !Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS
    ) {
      throw this.#fail(
        `the broker asked for ${
          attrs.get("i")
        } iterations, outside ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`,
      );
    }
    let saltBytes: Uint8Array;
    try {
      saltBytes = unb64(salt);
    } catch {
      throw this.#fail("the broker's salt is not base64");
    }
    const salted = await this.#pbkdf2(saltBytes, iterations);
    const clientKey = await hmac(this.#hash, salted, "Client Key");
    const storedKey = new Uint8Array(await crypto.subtle.digest(this.#hash, own(clientKey)));
    const clientFinalBare = `c=biws,r=${serverNonce}`;
    const authMessage = `${clientFirstBare},${serverFirst},${clientFinalBare}`;
    const signature = await hmac(this.#hash, storedKey, authMessage);
    const proof = clientKey.map((b, i) => b ^ signature[i]!);
    const serverFinal = dec.decode(
      await exchange.send(enc.encode(`${clientFinalBare},p=${b64(proof)}`)),
    );
    const final = parseAttributes(serverFinal);
    const error = final.get("e");
    if (error !== undefined) throw this.#fail(`the broker said ${error}`);
    const serverKey = await hmac(this.#hash, salted, "Server Key");
    const expected = b64(await hmac(this.#hash, serverKey, authMessage));
    if (final.get("v") !== expected) {
      throw this.#fail("the broker's signature is wrong: it does not know this credential");
    }
  }

  toJSON(): { mechanism: string; username: string } {
    return { mechanism: this.name, username: this.#username };
  }

  toString(): string {
    return `${this.name}(${this.#username})`;
  }

  async #pbkdf2(salt: Uint8Array, iterations: number): Promise<Uint8Array> {
    const key = await crypto.subtle.importKey("raw", enc.encode(this.#password), "PBKDF2", false, [
      "deriveBits",
    ]);
    return new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: this.#hash, salt: own(salt), iterations },
        key,
        this.#bits,
      ),
    );
  }

  #fail(why: string): KafkaError {
    return new KafkaError(SASL_AUTHENTICATION_FAILED, { api: "SaslAuthenticate" }, {
      message: `${this.name} for user "${this.#username}" failed: ${why}`,
    });
  }
}

function parseAttributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

async function hmac(hash: string, key: Uint8Array, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", own(key), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
}

/** A copy on a plain ArrayBuffer, which Web Crypto's types ask for. */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
