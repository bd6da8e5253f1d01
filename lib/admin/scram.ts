// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SCRAM credentials (DescribeUserScramCredentials, AlterUserScramCredentials). The password
 * never leaves the client: it is salted here with PBKDF2 (Web Crypto), as Kafka's
 * `ScramFormatter` does, and only the salt and salted password are sent.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";

/** The SCRAM mechanisms Kafka supports. */
export type ScramMechanism = "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** A user's credentials as the broker describes them (never the secrets). */
export interface UserScramCredentials {
  /** The user name. */
  user: string;
  /** Each mechanism and its iteration count. */
  credentials: { mechanism: ScramMechanism; iterations: number }[];
}

/** A credential to create or replace. */
export interface ScramUpsertion {
  /** The user. */
  user: string;
  /** The mechanism. @default {"SCRAM-SHA-256"} */
  mechanism?: ScramMechanism;
  /** The password. */
  password: string;
  /** PBKDF2 iterations, 4096 to 16384. @default {4096} */
  iterations?: number;
  /** The salt; random 32 bytes by default. */
  salt?: Uint8Array;
}

const MECHS: readonly ScramMechanism[] = ["SCRAM-SHA-256", "SCRAM-SHA-512"];

function mechCode(m: ScramMechanism | undefined): number {
  const i = MECHS.indexOf(m ?? "SCRAM-SHA-256");
  if (i < 0) {
    throw new RangeError(
      `Cannot use SCRAM mechanism as it must be SCRAM-SHA-256 or SCRAM-SHA-512: current value is ${
        JSON.stringify(m)
      }`,
    );
  }
  return i + 1;
}

/**
 * The salted password of SCRAM (RFC 5802 `Hi`, which is PBKDF2 with the mechanism's HMAC).
 *
 * @example RFC 7914's PBKDF2-HMAC-SHA-256 vector
 * ```ts
 * import { saltedPassword } from "./scram.ts";
 * import assert from "node:assert/strict";
 *
 * const out = await saltedPassword("SCRAM-SHA-256", "passwd", new TextEncoder().encode("salt"), 1);
 * assert.equal(
 *   Array.from(out.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join(""),
 *   "55ac046e56e3089f",
 * );
 * ```
 */
export async function saltedPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const sha = mechCode(mechanism) === 1 ? 256 : 512;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFKC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: `SHA-${sha}`, salt: salt as BufferSource, iterations },
    key,
    sha,
  );
  return new Uint8Array(bits);
}

/**
 * Describes users' SCRAM credentials (`null`: every user), one result per user.
 *
 * @example No user, no request
 * ```ts
 * import { describeUserScramCredentials } from "./scram.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await describeUserScramCredentials({} as never, []), []);
 * ```
 */
export async function describeUserScramCredentials(
  client: Client,
  users: readonly string[] | null = null,
): Promise<ItemResult<UserScramCredentials>[]> {
  if (users !== null && users.length === 0) return [];
  const res = await client.request("any", API_TABLE[50], {
    users: users === null ? null : users.map((name) => ({ name })),
  });
  if (res.errorCode !== 0) {
    throw new KafkaError(res.errorCode, {
      api: "DescribeUserScramCredentials",
      detail: res.errorMessage,
    });
  }
  // The broker answers in its own order; results follow the request's.
  const byUser = new Map(res.results.map((r) => [r.user, r]));
  const order = users ?? res.results.map((r) => r.user).sort();
  return order.map((user) => {
    const r = byUser.get(user);
    if (r === undefined || r.errorCode !== 0) {
      return failed<UserScramCredentials>(
        user,
        new KafkaError(r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, {
          api: "DescribeUserScramCredentials",
          detail: `user ${user}${r?.errorMessage ? `: ${r.errorMessage}` : ""}`,
        }),
      );
    }
    return ok(user, {
      user,
      credentials: r.credentialInfos.map((c) => ({
        mechanism: MECHS[c.mechanism - 1] ?? "SCRAM-SHA-256",
        iterations: c.iterations,
      })),
    });
  });
}

/**
 * Creates or replaces (upsertions) and deletes SCRAM credentials; one result per user named.
 *
 * @example Iterations are checked before anything is sent
 * ```ts
 * import { alterUserScramCredentials } from "./scram.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   alterUserScramCredentials({} as never, {
 *     upsertions: [{ user: "alice", password: "pw", iterations: 10 }],
 *   }),
 *   RangeError,
 * );
 * ```
 */
export async function alterUserScramCredentials(
  client: Client,
  changes: {
    upsertions?: readonly ScramUpsertion[];
    deletions?: readonly { user: string; mechanism?: ScramMechanism }[];
  },
): Promise<ItemResult<string>[]> {
  const ups = changes.upsertions ?? [];
  const dels = changes.deletions ?? [];
  for (const u of [...ups, ...dels]) {
    if (typeof u?.user !== "string" || u.user === "") {
      throw new RangeError("Cannot alter SCRAM credentials as a user has no name");
    }
    mechCode(u.mechanism);
  }
  for (const u of ups) {
    const it = u.iterations ?? 4096;
    if (!(Number.isInteger(it) && it >= 4096 && it <= 16384)) {
      throw new RangeError(
        `Cannot set SCRAM credentials of "${u.user}" as iterations must be 4096 to 16384: current value is ${it}`,
      );
    }
    if (typeof u.password !== "string" || u.password === "") {
      throw new RangeError(`Cannot set SCRAM credentials of "${u.user}" as the password is empty`);
    }
  }
  const users = [...new Set([...ups, ...dels].map((u) => u.user))];
  if (users.length === 0) return [];
  const upsertions = await Promise.all(ups.map(async (u) => {
    const mechanism = u.mechanism ?? "SCRAM-SHA-256";
    const iterations = u.iterations ?? 4096;
    const salt = u.salt ?? crypto.getRandomValues(new Uint8Array(32));
    return {
      name: u.user,
      mechanism: mechCode(mechanism),
      iterations,
      salt,
      saltedPassword: await saltedPassword(mechanism, u.password, salt, iterations),
    };
  }));
  const res = await client.request("any", API_TABLE[51], {
    deletions: dels.map((d) => ({ name: d.user, mechanism: mechCode(d.mechanism) })),
    upsertions,
  });
  const byUser = new Map(res.results.map((r) => [r.user, r]));
  return users.map((user) => {
    const r = byUser.get(user);
    const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return code === 0 ? ok(user, user) : failed<string>(
      user,
      new KafkaError(code, {
        api: "AlterUserScramCredentials",
        detail: `user ${user}${r?.errorMessage ? `: ${r.errorMessage}` : ""}`,
      }),
    );
  });
}
