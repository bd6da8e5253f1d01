// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Delegation tokens (Create, Describe, Renew, ExpireDelegationToken). Brokers grant them only
 * over authenticated (SASL) connections and with `delegation.token.secret.key` set; otherwise
 * they answer `DELEGATION_TOKEN_REQUEST_NOT_ALLOWED` or `DELEGATION_TOKEN_AUTH_DISABLED`.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";

/** A delegation token. */
export interface DelegationToken {
  /** Its id. */
  tokenId: string;
  /** Its HMAC, the secret a client authenticates with. */
  hmac: Uint8Array;
  /** Its owner, e.g. `User:alice`. */
  owner: string;
  /** Who may renew it. */
  renewers: string[];
  /** When it was issued (ms). */
  issueTimestampMs: number;
  /** When it expires unless renewed (ms). */
  expiryTimestampMs: number;
  /** When it expires at the latest (ms). */
  maxTimestampMs: number;
}

function principal(s: string): { principalType: string; principalName: string } {
  const i = s.indexOf(":");
  if (i <= 0) {
    throw new RangeError(
      `Cannot use principal as it must be Type:name: current value is ${JSON.stringify(s)}`,
    );
  }
  return { principalType: s.slice(0, i), principalName: s.slice(i + 1) };
}

/**
 * Creates a delegation token for the caller (or `owner`), renewable by `renewers`.
 *
 * @throws {KafkaError} e.g. `DELEGATION_TOKEN_REQUEST_NOT_ALLOWED` on a PLAINTEXT connection.
 *
 * @example Principals are Type:name
 * ```ts
 * import { createDelegationToken } from "./delegation_tokens.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(createDelegationToken({} as never, { renewers: ["alice"] }), RangeError);
 * ```
 */
export async function createDelegationToken(
  client: Client,
  options: { owner?: string; renewers?: readonly string[]; maxLifetimeMs?: number } = {},
): Promise<DelegationToken> {
  const renewers = (options.renewers ?? []).map(principal);
  const owner = options.owner === undefined ? null : principal(options.owner);
  const res = await client.request("any", API_TABLE[38], {
    ownerPrincipalType: owner?.principalType ?? null,
    ownerPrincipalName: owner?.principalName ?? null,
    renewers,
    maxLifetimeMs: BigInt(options.maxLifetimeMs ?? -1),
  });
  if (res.errorCode !== 0) throw new KafkaError(res.errorCode, { api: "CreateDelegationToken" });
  return {
    tokenId: res.tokenId,
    hmac: res.hmac,
    owner: `${res.principalType}:${res.principalName}`,
    renewers: renewers.map((r) => `${r.principalType}:${r.principalName}`),
    issueTimestampMs: Number(res.issueTimestampMs),
    expiryTimestampMs: Number(res.expiryTimestampMs),
    maxTimestampMs: Number(res.maxTimestampMs),
  };
}

/**
 * The delegation tokens of `owners` (default: every token the caller may see).
 *
 * @throws {KafkaError} e.g. `DELEGATION_TOKEN_REQUEST_NOT_ALLOWED` on a PLAINTEXT connection.
 *
 * @example Principals are Type:name
 * ```ts
 * import { describeDelegationTokens } from "./delegation_tokens.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(describeDelegationTokens({} as never, ["bob"]), RangeError);
 * ```
 */
export async function describeDelegationTokens(
  client: Client,
  owners?: readonly string[],
): Promise<DelegationToken[]> {
  const res = await client.request("any", API_TABLE[41], {
    owners: owners ? owners.map(principal) : null,
  });
  if (res.errorCode !== 0) {
    throw new KafkaError(res.errorCode, { api: "DescribeDelegationToken" });
  }
  return res.tokens.map((t) => ({
    tokenId: t.tokenId,
    hmac: t.hmac,
    owner: `${t.principalType}:${t.principalName}`,
    renewers: t.renewers.map((r) => `${r.principalType}:${r.principalName}`),
    issueTimestampMs: Number(t.issueTimestamp),
    expiryTimestampMs: Number(t.expiryTimestamp),
    maxTimestampMs: Number(t.maxTimestamp),
  }));
}

/**
 * Renews a token by its HMAC and resolves with its new expiry time (ms).
 *
 * @example
 * ```ts ignore
 * import { renewDelegationToken } from "./delegation_tokens.ts";
 * declare const client: import("../client/client.ts").Client;
 * declare const hmac: Uint8Array;
 * console.log(await renewDelegationToken(client, hmac, 3_600_000));
 * ```
 */
export async function renewDelegationToken(
  client: Client,
  hmac: Uint8Array,
  renewPeriodMs = -1,
): Promise<number> {
  const res = await client.request("any", API_TABLE[39], {
    hmac,
    renewPeriodMs: BigInt(renewPeriodMs),
  });
  if (res.errorCode !== 0) throw new KafkaError(res.errorCode, { api: "RenewDelegationToken" });
  return Number(res.expiryTimestampMs);
}

/**
 * Expires a token by its HMAC (`expiryTimePeriodMs` from now; -1: at once) and resolves with
 * its expiry time (ms).
 *
 * @example
 * ```ts ignore
 * import { expireDelegationToken } from "./delegation_tokens.ts";
 * declare const client: import("../client/client.ts").Client;
 * declare const hmac: Uint8Array;
 * await expireDelegationToken(client, hmac);
 * ```
 */
export async function expireDelegationToken(
  client: Client,
  hmac: Uint8Array,
  expiryTimePeriodMs = -1,
): Promise<number> {
  const res = await client.request("any", API_TABLE[40], {
    hmac,
    expiryTimePeriodMs: BigInt(expiryTimePeriodMs),
  });
  if (res.errorCode !== 0) throw new KafkaError(res.errorCode, { api: "ExpireDelegationToken" });
  return Number(res.expiryTimestampMs);
}
