// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * kanal's name and version as brokers see them (ApiVersions' client software fields, KIP-511).
 *
 * @module
 */

/**
 * The version in deno.json. Kept here as a plain constant, not imported from deno.json, so
 * every runtime and bundler loads it without JSON import attributes; a test checks the two
 * agree.
 *
 * @example
 * ```ts
 * import { KANAL_VERSION } from "./version.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(KANAL_VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const KANAL_VERSION = "0.1.0";

/** The client software name sent in ApiVersions. */
export const KANAL_SOFTWARE_NAME = "kanal";
