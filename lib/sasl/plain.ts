// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SASL PLAIN (RFC 4616): the user name and password in one message. Use it over TLS only.
 *
 * @module
 */

import type { SaslExchange, SaslMechanism } from "./sasl_mechanism.ts";
import { checkCredentials, type SaslCredentials } from "./_credentials.ts";

/**
 * The PLAIN mechanism for `username` and `password`. The password stays in a private field;
 * `toJSON` and `toString` show only the mechanism and the user.
 *
 * @example PLAIN sends authzid, user and password separated by NUL bytes
 * ```ts
 * import { plain } from "./plain.ts";
 * import assert from "node:assert/strict";
 *
 * const mechanism = plain({ username: "alice", password: "alice-secret" });
 * let sent = "";
 * await mechanism.authenticate({
 *   host: "b1",
 *   port: 9092,
 *   send: (b) => (sent = new TextDecoder().decode(b), Promise.resolve(new Uint8Array())),
 * });
 * assert.equal(sent, "\0alice\0alice-secret");
 * assert.equal(JSON.stringify(mechanism), '{"mechanism":"PLAIN","username":"alice"}');
 * ```
 */
export function plain(credentials: SaslCredentials): SaslMechanism {
  return new Plain(credentials);
}

class Plain implements SaslMechanism {
  readonly name = "PLAIN";
  readonly #username: string;
  readonly #password: string;

  constructor(credentials: SaslCredentials) {
    checkCredentials("PLAIN", credentials);
    this.#username = credentials.username;
    this.#password = credentials.password;
  }

  async authenticate(exchange: SaslExchange): Promise<void> {
    await exchange.send(new TextEncoder().encode(`\0${this.#username}\0${this.#password}`));
  }

  toJSON(): { mechanism: string; username: string } {
    return { mechanism: this.name, username: this.#username };
  }

  toString(): string {
    return `PLAIN(${this.#username})`;
  }
}
