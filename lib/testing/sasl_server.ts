// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The server side of SASL for the fake cluster: PLAIN (RFC 4616) and SCRAM-SHA-256/512
 * (RFC 5802, RFC 7677), over Web Crypto.
 *
 * @module
 */

/** The mechanisms the fake can offer. */
export type FakeSaslMechanism = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** SASL settings of a fake cluster. */
export interface FakeSaslOptions {
  /** Users and their passwords. */
  users: Record<string, string>;
  /** The mechanisms offered. @default {["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]} */
  mechanisms?: FakeSaslMechanism[];
  /** SCRAM iterations. @default {4096} */
  iterations?: number;
}

/** One step's outcome: bytes to send back, and whether the exchange is over. */
export interface SaslStep {
  /** The server's bytes for the client. */
  reply: Uint8Array;
  /** Set once the client is authenticated, to its user name. */
  user?: string;
  /** Set when authentication failed, with the reason. */
  error?: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const FAILED =
  "Authentication failed during authentication due to invalid credentials with SASL mechanism";

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

/** A copy on a plain ArrayBuffer, which Web Crypto's types ask for. */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

async function hmac(hash: string, key: Uint8Array, data: Uint8Array | string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", own(key), { name: "HMAC", hash }, false, [
    "sign",
  ]);
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", k, own(typeof data === "string" ? enc.encode(data) : data)),
  );
}

/**
 * One connection's SASL exchange for one mechanism: feed it each SaslAuthenticate's bytes.
 *
 * @example PLAIN with the right password
 * ```ts
 * import { SaslServer } from "./sasl_server.ts";
 * import assert from "node:assert/strict";
 *
 * const server = new SaslServer("PLAIN", { users: { alice: "secret" } });
 * const step = await server.step(new TextEncoder().encode("\0alice\0secret"));
 * assert.equal(step.user, "alice");
 * ```
 */
export class SaslServer {
  readonly #mechanism: FakeSaslMechanism;
  readonly #options: FakeSaslOptions;
  #scram: {
    user: string;
    nonce: string;
    salt: Uint8Array;
    clientFirstBare: string;
    serverFirst: string;
  } | null = null;
  #done = false;

  /** Starts an exchange. */
  constructor(mechanism: FakeSaslMechanism, options: FakeSaslOptions) {
    this.#mechanism = mechanism;
    this.#options = options;
  }

  /** Takes the client's next bytes. */
  async step(bytes: Uint8Array): Promise<SaslStep> {
    if (this.#done) return { reply: new Uint8Array(0), error: "the exchange is over" };
    if (this.#mechanism === "PLAIN") {
      this.#done = true;
      const [, user = "", password] = dec.decode(bytes).split("\0");
      if (password === undefined || this.#options.users[user] !== password) {
        return { reply: new Uint8Array(0), error: `${FAILED} PLAIN` };
      }
      return { reply: new Uint8Array(0), user };
    }
    const hash = this.#mechanism === "SCRAM-SHA-256" ? "SHA-256" : "SHA-512";
    const iterations = this.#options.iterations ?? 4096;
    const message = dec.decode(bytes);
    if (this.#scram === null) {
      // client-first: gs2 header, then n=user,r=nonce
      const m = /^[ny],[^,]*,(n=([^,]*),r=([^,]+)(?:,.*)?)$/.exec(message);
      if (m === null) {
        this.#done = true;
        return { reply: new Uint8Array(0), error: "Invalid SCRAM client first message" };
      }
      const user = m[2]!.replaceAll("=2C", ",").replaceAll("=3D", "=");
      const nonce = m[3]! + b64(crypto.getRandomValues(new Uint8Array(18)));
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const serverFirst = `r=${nonce},s=${b64(salt)},i=${iterations}`;
      this.#scram = { user, nonce, salt, clientFirstBare: m[1]!, serverFirst };
      return { reply: enc.encode(serverFirst) };
    }
    this.#done = true;
    const s = this.#scram;
    const m = /^(c=[^,]*,r=([^,]+)(?:,.*?)?),p=([^,]+)$/.exec(message);
    const password = this.#options.users[s.user];
    // The final nonce must end with ours, as Kafka checks: librdkafka sends its own nonce
    // again in front of the whole server nonce.
    if (m === null || !m[2]!.endsWith(s.nonce) || password === undefined) {
      return { reply: new Uint8Array(0), error: `${FAILED} ${this.#mechanism}` };
    }
    const key = await crypto.subtle.importKey("raw", own(enc.encode(password)), "PBKDF2", false, [
      "deriveBits",
    ]);
    const bits = hash === "SHA-256" ? 256 : 512;
    const salted = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "PBKDF2", hash, salt: own(s.salt), iterations },
        key,
        bits,
      ),
    );
    const clientKey = await hmac(hash, salted, "Client Key");
    const storedKey = new Uint8Array(await crypto.subtle.digest(hash, own(clientKey)));
    const authMessage = `${s.clientFirstBare},${s.serverFirst},${m[1]}`;
    const signature = await hmac(hash, storedKey, authMessage);
    const proof = unb64(m[3]!);
    if (proof.length !== signature.length) {
      return { reply: new Uint8Array(0), error: `${FAILED} ${this.#mechanism}` };
    }
    const recovered = proof.map((b, i) => b ^ signature[i]!);
    const check = new Uint8Array(await crypto.subtle.digest(hash, own(recovered)));
    if (!check.every((b, i) => b === storedKey[i])) {
      return { reply: new Uint8Array(0), error: `${FAILED} ${this.#mechanism}` };
    }
    const serverKey = await hmac(hash, salted, "Server Key");
    const serverSignature = await hmac(hash, serverKey, authMessage);
    return { reply: enc.encode(`v=${b64(serverSignature)}`), user: s.user };
  }
}
