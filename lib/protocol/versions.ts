// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Version negotiation: which version of each API to speak to one broker.
 *
 * @module
 */

import { ErrorCode } from "./error_codes.ts";
import { KafkaError } from "./kafka_error.ts";

/** One entry of a broker's ApiVersions answer. */
export interface BrokerApiVersion {
  /** The API key. */
  readonly apiKey: number;
  /** The oldest version the broker accepts. */
  readonly minVersion: number;
  /** The newest version the broker accepts. */
  readonly maxVersion: number;
}

/** One API the client can speak, with the versions it implements. */
export interface ClientApiVersion {
  /** The API key. */
  readonly key: number;
  /** The API's name, e.g. `Fetch`, for error messages. */
  readonly name: string;
  /** The oldest version the client implements. */
  readonly minVersion: number;
  /** The newest version the client implements. */
  readonly maxVersion: number;
}

/** Options for {@linkcode ApiVersionTable}. */
export interface ApiVersionTableOptions {
  /** The broker the answer came from, named in error messages. */
  broker?: number;
}

// Marks an API with no version both sides speak; versions are never negative.
const NONE = -1;

/**
 * The versions to use with one broker: for each API the client knows, the highest version both
 * the client and the broker speak.
 *
 * Negotiation happens once, when the table is built from the broker's ApiVersions answer. An
 * API the broker lacks, or whose ranges do not overlap the client's, does not fail the table,
 * since a client never uses most APIs; asking for its version does, with a
 * {@linkcode KafkaError} `UNSUPPORTED_VERSION` (not retriable) that names the API and both
 * ranges.
 *
 * @example Pick the highest common version
 * ```ts
 * import { ApiVersionTable } from "./versions.ts";
 * import assert from "node:assert/strict";
 *
 * const table = new ApiVersionTable(
 *   [{ apiKey: 0, minVersion: 3, maxVersion: 13 }, { apiKey: 1, minVersion: 4, maxVersion: 17 }],
 *   [
 *     { key: 0, name: "Produce", minVersion: 3, maxVersion: 11 },
 *     { key: 1, name: "Fetch", minVersion: 4, maxVersion: 18 },
 *   ],
 * );
 * assert.equal(table.version(0), 11);
 * assert.equal(table.version(1), 17);
 * ```
 *
 * @example An API the broker lacks
 * ```ts
 * import { ApiVersionTable } from "./versions.ts";
 * import assert from "node:assert/strict";
 *
 * const table = new ApiVersionTable([], [{ key: 78, name: "ShareFetch", minVersion: 1, maxVersion: 2 }]);
 * assert.equal(table.has(78), false);
 * assert.throws(() => table.version(78), { name: "KafkaError", code: 35, retriable: false });
 * ```
 */
export class ApiVersionTable {
  readonly #broker: Map<number, BrokerApiVersion> = new Map();
  readonly #client: Map<number, ClientApiVersion> = new Map();
  // Chosen version by API key, NONE where there is none; an array because `version()` runs for
  // every request sent.
  readonly #chosen: number[] = [];
  readonly #brokerId: number | undefined;

  /**
   * Negotiates every API in `client` against the broker's answer `broker`.
   *
   * @throws {RangeError} when a client range is empty or negative, or names a key twice.
   */
  constructor(
    broker: Iterable<BrokerApiVersion>,
    client: Iterable<ClientApiVersion>,
    options: ApiVersionTableOptions = {},
  ) {
    this.#brokerId = options.broker;
    for (const b of broker) {
      // A broker lists each key once; should one repeat, the first answer stands.
      if (!this.#broker.has(b.apiKey)) this.#broker.set(b.apiKey, b);
    }
    for (const c of client) {
      if (!Number.isInteger(c.key) || c.key < 0) {
        throw new RangeError(
          `Cannot negotiate API ${c.name} as its key is not a non-negative integer: current value is ${c.key}`,
        );
      }
      if (!(c.minVersion >= 0 && c.minVersion <= c.maxVersion)) {
        throw new RangeError(
          `Cannot negotiate API ${c.name} as its client range is empty or negative: current value is ${c.minVersion}-${c.maxVersion}`,
        );
      }
      if (this.#client.has(c.key)) {
        throw new RangeError(
          `Cannot negotiate API ${c.name} as key ${c.key} is listed twice: current value is ${c.key}`,
        );
      }
      this.#client.set(c.key, c);
      const b = this.#broker.get(c.key);
      const high = b === undefined ? NONE : Math.min(b.maxVersion, c.maxVersion);
      const low = b === undefined ? 0 : Math.max(b.minVersion, c.minVersion);
      while (this.#chosen.length <= c.key) this.#chosen.push(NONE);
      this.#chosen[c.key] = b !== undefined && high >= low ? high : NONE;
    }
  }

  /**
   * Returns the version to send for `apiKey`: the highest both sides speak.
   *
   * @throws {KafkaError} `UNSUPPORTED_VERSION`, not retriable, when the broker lacks the API or
   * its range does not overlap the client's.
   * @throws {RangeError} when the client table given to the constructor lacks `apiKey`.
   */
  version(apiKey: number): number {
    const v = this.#chosen[apiKey];
    if (v !== undefined && v !== NONE) return v;
    throw this.#unsupported(apiKey);
  }

  /** Whether some version of `apiKey` is spoken by both the client and the broker. */
  has(apiKey: number): boolean {
    const v = this.#chosen[apiKey];
    return v !== undefined && v !== NONE;
  }

  /** The broker's range for `apiKey`, as it sent it; `undefined` when it did not list the API. */
  brokerRange(apiKey: number): BrokerApiVersion | undefined {
    return this.#broker.get(apiKey);
  }

  /** The client's range for `apiKey`; `undefined` when the client does not know the API. */
  clientRange(apiKey: number): ClientApiVersion | undefined {
    return this.#client.get(apiKey);
  }

  /** Every range the broker sent, in the order it sent them. */
  get brokerRanges(): readonly BrokerApiVersion[] {
    return [...this.#broker.values()];
  }

  #unsupported(apiKey: number): Error {
    const c = this.#client.get(apiKey);
    if (c === undefined) {
      return new RangeError(
        `Cannot pick a version for API key ${apiKey} as the client does not implement it: current value is ${apiKey}`,
      );
    }
    const b = this.#broker.get(apiKey);
    const clientSide = `the client supports versions ${c.minVersion}-${c.maxVersion}`;
    const message = b === undefined
      ? `Cannot use ${c.name} (key ${apiKey}) as the broker does not offer it; ${clientSide}`
      : `Cannot use ${c.name} (key ${apiKey}) as the broker supports versions ${b.minVersion}-${b.maxVersion} and ${clientSide}`;
    return new KafkaError(
      ErrorCode.UNSUPPORTED_VERSION,
      { api: c.name, broker: this.#brokerId },
      { retriable: false, message },
    );
  }
}
