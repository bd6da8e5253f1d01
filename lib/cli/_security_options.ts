// Copyright 2026 the kanal authors. MIT license.
/**
 * `-X security.protocol`, `sasl.*` and `ssl.*` (kcat's and Java's names) as the client's `tls`
 * and `sasl` options. Values of secrets never appear in an error.
 *
 * @module
 */

import type { TlsOptions } from "../net/transport.ts";
import type { SaslMechanism } from "../sasl/sasl_mechanism.ts";
import type { OAuthBearerToken } from "../sasl/oauth_bearer.ts";
import { saslMechanism } from "../sasl/sasl_config.ts";
import { UsageError } from "./args.ts";
import { commandOutput, readText } from "./_files.ts";

/** The keys this file reads; the caller routes them here. */
export const SECURITY_KEYS: ReadonlySet<string> = new Set([
  "security.protocol",
  "sasl.mechanism",
  "sasl.mechanisms",
  "sasl.username",
  "sasl.password",
  "sasl.oauthbearer.token.file",
  "sasl.oauthbearer.token.command",
  "ssl.ca.location",
  "ssl.certificate.location",
  "ssl.key.location",
  "ssl.endpoint.identification.algorithm",
  "enable.ssl.certificate.verification",
]);

/**
 * Builds `tls` and `sasl` from the security keys given.
 *
 * @throws {UsageError} for an unknown protocol or mechanism, SASL keys without a SASL protocol,
 * a missing credential, or a file that cannot be read.
 */
export function securityOptions(
  props: ReadonlyMap<string, string>,
): { tls?: TlsOptions; sasl?: SaslMechanism } {
  const protocol = (props.get("security.protocol") ?? "plaintext").toLowerCase();
  if (!["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"].includes(protocol)) {
    throw new UsageError(
      "Cannot use -X security.protocol as it must be plaintext, ssl, sasl_plaintext or " +
        `sasl_ssl: current value is "${props.get("security.protocol")}"`,
    );
  }
  const out: { tls?: TlsOptions; sasl?: SaslMechanism } = {};
  const saslKeys = [...props.keys()].filter((k) => k.startsWith("sasl."));
  const sslKeys = [...props.keys()].filter((k) => k.includes("ssl."));
  if (protocol.startsWith("sasl_")) out.sasl = sasl(props);
  else if (saslKeys.length > 0) {
    throw new UsageError(
      `Cannot use -X ${saslKeys[0]} as security.protocol is ${protocol}: ` +
        "use sasl_plaintext or sasl_ssl",
    );
  }
  if (protocol.endsWith("ssl")) out.tls = tls(props);
  else if (sslKeys.length > 0) {
    throw new UsageError(
      `Cannot use -X ${sslKeys[0]} as security.protocol is ${protocol}: use ssl or sasl_ssl`,
    );
  }
  return out;
}

function tls(props: ReadonlyMap<string, string>): TlsOptions {
  const out: TlsOptions = {};
  const ca = props.get("ssl.ca.location");
  if (ca !== undefined) out.caCerts = [file("ssl.ca.location", ca)];
  const cert = props.get("ssl.certificate.location");
  const key = props.get("ssl.key.location");
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError(
      "Cannot use a client certificate as -X ssl.certificate.location and ssl.key.location " +
        "must come together",
    );
  }
  if (cert !== undefined && key !== undefined) {
    out.cert = file("ssl.certificate.location", cert);
    out.key = file("ssl.key.location", key);
  }
  const algorithm = props.get("ssl.endpoint.identification.algorithm");
  if (algorithm !== undefined) {
    const a = algorithm.toLowerCase();
    if (a === "none" || a === "") out.verifyServerName = false;
    else if (a !== "https") {
      throw new UsageError(
        "Cannot use -X ssl.endpoint.identification.algorithm as it must be https or none: " +
          `current value is "${algorithm}"`,
      );
    }
  }
  const verify = props.get("enable.ssl.certificate.verification");
  if (verify === "false") out.verifyCertificate = false;
  else if (verify !== undefined && verify !== "true") {
    throw new UsageError(
      "Cannot use -X enable.ssl.certificate.verification as it must be true or false: " +
        `current value is "${verify}"`,
    );
  }
  return out;
}

function sasl(props: ReadonlyMap<string, string>): SaslMechanism {
  const mechanism = props.get("sasl.mechanism") ?? props.get("sasl.mechanisms");
  if (mechanism === undefined) {
    throw new UsageError(
      "Cannot use SASL as no mechanism is given: add -X sasl.mechanism=PLAIN, SCRAM-SHA-256, " +
        "SCRAM-SHA-512 or OAUTHBEARER",
    );
  }
  const upper = mechanism.toUpperCase();
  if (upper === "OAUTHBEARER") return saslMechanism({ mechanism, token: tokenProvider(props) });
  if (!["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"].includes(upper)) {
    throw new UsageError(
      "Cannot use -X sasl.mechanism as kanal's command line has PLAIN, SCRAM-SHA-256, " +
        `SCRAM-SHA-512 and OAUTHBEARER: current value is "${mechanism}"`,
    );
  }
  for (const k of ["sasl.username", "sasl.password"]) {
    if (!props.get(k)) throw new UsageError(`Cannot use SASL ${upper} as -X ${k} is missing`);
  }
  return saslMechanism({
    mechanism,
    username: props.get("sasl.username"),
    password: props.get("sasl.password"),
  });
}

function tokenProvider(props: ReadonlyMap<string, string>): () => Promise<OAuthBearerToken> {
  const path = props.get("sasl.oauthbearer.token.file");
  const command = props.get("sasl.oauthbearer.token.command");
  if ((path === undefined) === (command === undefined)) {
    throw new UsageError(
      "Cannot use SASL OAUTHBEARER as it needs one of -X sasl.oauthbearer.token.file=PATH or " +
        "sasl.oauthbearer.token.command=COMMAND",
    );
  }
  // Read or run again at each refresh, so a sidecar that rotates the token is followed.
  return async () => {
    const value = (path !== undefined ? readText(path) : await commandOutput(command!)).trim();
    return { value, expiresAtMs: jwtExpiry(value) };
  };
}

/** The `exp` claim of a JWT, in ms; a token without one cannot be refreshed in time. */
function jwtExpiry(token: string): number {
  try {
    const payload = token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/");
    const exp = JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, "="))).exp;
    if (typeof exp === "number" && Number.isFinite(exp)) return exp * 1000;
  } catch { /* not a JWT: the error below says what is needed */ }
  throw new TypeError(
    "Cannot use the OAUTHBEARER token as it is not a JWT with an exp claim (needed to refresh it)",
  );
}

function file(key: string, path: string): string {
  try {
    return readText(path);
  } catch (e) {
    throw new UsageError(
      `Cannot read -X ${key} as the file cannot be read: current value is "${path}" ` +
        `(${(e as { code?: string }).code ?? "error"})`,
    );
  }
}
