// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * User name and password, shared by PLAIN and SCRAM.
 *
 * @module
 */

/** A user name and password for PLAIN or SCRAM. */
export interface SaslCredentials {
  /** The user name. */
  username: string;
  /** The password. Never shown in errors, logs or option dumps. */
  password: string;
}

/** Throws a `TypeError` naming the field (never its value) when credentials are unusable. */
export function checkCredentials(mechanism: string, c: SaslCredentials): void {
  if (typeof c?.username !== "string" || c.username === "") {
    throw new TypeError(
      `Cannot use SASL ${mechanism} as username must be a non-empty string`,
    );
  }
  if (typeof c.password !== "string" || c.password === "") {
    throw new TypeError(
      `Cannot use SASL ${mechanism} for user "${c.username}" as password must be a non-empty string`,
    );
  }
}
