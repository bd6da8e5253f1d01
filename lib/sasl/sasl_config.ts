// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A mechanism from configuration values, as the CLI and Java-style properties name them.
 *
 * @module
 */

import type { SaslMechanism } from "./sasl_mechanism.ts";
import { plain } from "./plain.ts";
import { scramSha256, scramSha512 } from "./scram.ts";
import { oauthBearer, type OAuthBearerOptions } from "./oauth_bearer.ts";

/** Configuration for one of kanal's built-in mechanisms. */
export interface SaslConfig {
  /** `PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512` or `OAUTHBEARER` (any case). */
  mechanism: string;
  /** For PLAIN and SCRAM. */
  username?: string;
  /** For PLAIN and SCRAM. */
  password?: string;
  /** For OAUTHBEARER. */
  token?: OAuthBearerOptions["token"];
}

/**
 * Builds a built-in mechanism from configuration.
 *
 * @throws {TypeError} for a mechanism kanal does not ship (naming those it does) or missing
 * credentials; the message never holds the password.
 *
 * @example SCRAM-SHA-512 by name
 * ```ts
 * import { saslMechanism } from "./sasl_config.ts";
 * import assert from "node:assert/strict";
 *
 * const m = saslMechanism({ mechanism: "scram-sha-512", username: "u", password: "p" });
 * assert.equal(m.name, "SCRAM-SHA-512");
 * assert.throws(() => saslMechanism({ mechanism: "GSSAPI" }), TypeError);
 * ```
 */
export function saslMechanism(config: SaslConfig): SaslMechanism {
  const name = String(config?.mechanism ?? "").toUpperCase();
  const credentials = { username: config.username ?? "", password: config.password ?? "" };
  switch (name) {
    case "PLAIN":
      return plain(credentials);
    case "SCRAM-SHA-256":
      return scramSha256(credentials);
    case "SCRAM-SHA-512":
      return scramSha512(credentials);
    case "OAUTHBEARER":
      if (config.token === undefined) {
        throw new TypeError("Cannot use SASL OAUTHBEARER as no token provider is given");
      }
      return oauthBearer({ token: config.token });
    default:
      throw new TypeError(
        "Cannot use SASL mechanism as kanal has PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and " +
          `OAUTHBEARER (pass a SaslMechanism for others): current value is "${config?.mechanism}"`,
      );
  }
}
