// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * W3C Trace Context (`traceparent`) in Kafka record headers.
 *
 * @module
 */

/** The parts of a `traceparent`, shaped like OpenTelemetry's `SpanContext`. */
export interface TraceParent {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  readonly spanId: string;
  /** Bit 0: sampled. */
  readonly traceFlags: number;
  /** Set on a context read from a record: it came from another process. */
  readonly isRemote?: boolean;
}

/** The header that carries the context, as W3C Trace Context names it. */
export const TRACEPARENT_HEADER: string = "traceparent";

const PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The `traceparent` header value for a span context (version 00).
 *
 * @example Format a span context
 * ```ts
 * import { formatTraceparent } from "./trace_context.ts";
 * import assert from "node:assert/strict";
 *
 * const v = formatTraceparent({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 });
 * assert.equal(v, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
 * ```
 */
export function formatTraceparent(context: TraceParent): string {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/**
 * Reads a `traceparent` header value; `undefined` for anything malformed (a record's headers
 * come from whoever produced it, so a bad one is ignored, not thrown on).
 *
 * @example A value from a record header
 * ```ts
 * import { parseTraceparent } from "./trace_context.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
 * assert.equal(parseTraceparent(bytes)?.traceId, "0af7651916cd43dd8448eb211c80319c");
 * assert.equal(parseTraceparent("garbage"), undefined);
 * ```
 */
export function parseTraceparent(
  value: string | Uint8Array | null | undefined,
): TraceParent | undefined {
  if (value === null || value === undefined) return undefined;
  // 55 bytes exactly for version 00; refuse to decode anything longer.
  if (value.length !== 55) return undefined;
  const text = typeof value === "string" ? value : new TextDecoder().decode(value);
  const m = PATTERN.exec(text);
  if (m === null || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
}
