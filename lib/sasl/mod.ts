// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SASL mechanisms for {@linkcode ClientOptions.sasl}: PLAIN, SCRAM-SHA-256/512, OAUTHBEARER, and
 * the {@linkcode SaslMechanism} interface for others.
 *
 * @module
 */

export type { SaslExchange, SaslMechanism } from "./sasl_mechanism.ts";
export type { SaslCredentials } from "./_credentials.ts";
export { plain } from "./plain.ts";
export { scramSha256, scramSha512 } from "./scram.ts";
export {
  oauthBearer,
  type OAuthBearerOptions,
  type OAuthBearerToken,
  unsecuredToken,
} from "./oauth_bearer.ts";
export { type SaslConfig, saslMechanism } from "./sasl_config.ts";
