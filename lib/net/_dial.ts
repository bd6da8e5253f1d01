// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What every adapter does the same way around its runtime's connect call: check the options,
 * honour the abort signal and the timeout, and turn failures into `ConnectionError`s.
 *
 * @module
 */

import { ConnectionError } from "./connection_error.ts";
import type { DialOptions, TlsOptions } from "./transport.ts";

/** Kafka's `socket.connection.setup.timeout.ms` default. */
export const DEFAULT_DIAL_TIMEOUT_MS: number = 10_000;

/** Dial options after checking, with TLS spelled out. */
export interface CheckedDial {
  host: string;
  port: number;
  /** `null` for plain TCP. */
  tls: TlsOptions | null;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Checks dial options, throwing `TypeError`/`RangeError` for values no runtime could use.
 */
export function checkDial(options: DialOptions): CheckedDial {
  const { host, port, signal } = options;
  if (typeof host !== "string" || host.length === 0) {
    throw new TypeError(
      `Cannot dial as the host must be a non-empty string: current value is ${String(host)}`,
    );
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(
      `Cannot dial as the port must be an integer from 1 to 65535: current value is ${port}`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(
      `Cannot dial as timeoutMs must be a positive finite number: current value is ${timeoutMs}`,
    );
  }
  const tls = options.tls === true ? {} : options.tls ? options.tls : null;
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
    throw new TypeError(
      "Cannot dial with a client certificate as cert and key must come together: " +
        `current value is ${tls.cert === undefined ? "key" : "cert"} alone`,
    );
  }
  return { host, port, tls, timeoutMs, signal };
}

/**
 * Rejects with a `TypeError` naming the TLS options a runtime cannot honour, so a dial never
 * silently checks less than it was asked to.
 */
export function refuseTlsOptions(
  runtime: string,
  tls: TlsOptions | null,
  unsupported: readonly (keyof TlsOptions)[],
): void {
  if (!tls) return;
  const asked = unsupported.filter((k) => tls[k] !== undefined);
  if (asked.length > 0) {
    throw new TypeError(
      `Cannot dial with TLS option ${asked.join(", ")} as ${runtime} does not support it: ` +
        `current value is ${JSON.stringify(Object.keys(tls))}`,
    );
  }
}

/**
 * Rejects with a `TypeError` when a runtime that always verifies (Deno, workerd) is asked to
 * skip a check, so a dial never silently checks more, or less, than it was asked to.
 */
export function refuseTlsOptOuts(runtime: string, tls: TlsOptions | null): void {
  if (!tls) return;
  const asked = (["verifyServerName", "verifyCertificate"] as const).filter((k) =>
    tls[k] === false
  );
  if (asked.length > 0) {
    throw new TypeError(
      `Cannot dial with TLS option ${asked.join(", ")} = false as ${runtime} always verifies ` +
        "the broker's certificate: trust its CA (caCerts) instead",
    );
  }
}

/**
 * Runs `open` under the dial's signal and timeout.
 *
 * `open` gets a signal that aborts when the caller aborts or the time runs out; adapters whose
 * runtime can cancel a connect pass it on. Whatever `open` yields after the dial was given up
 * goes to `discard`, so no socket leaks. Failures other than `TypeError`, `RangeError` and
 * `ConnectionError` become a retriable `ConnectionError` with the runtime's error as `cause`.
 */
export function guardDial<T>(
  dial: CheckedDial,
  open: (signal: AbortSignal) => Promise<T>,
  discard: (value: T) => void,
): Promise<T> {
  const { host, port, signal, timeoutMs } = dial;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const inner = new AbortController();
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      reject(signal!.reason);
      inner.abort(signal!.reason);
    };
    const timer = setTimeout(() => {
      if (!finish()) return;
      const cause = new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError");
      reject(new ConnectionError(host, port, "Cannot connect", { cause }));
      inner.abort(cause);
    }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    let opening: Promise<T>;
    try {
      opening = open(inner.signal);
    } catch (e) {
      opening = Promise.reject(e);
    }
    opening.then(
      (value) => {
        if (finish()) resolve(value);
        else discard(value);
      },
      (e: unknown) => {
        if (finish()) reject(asConnectError(host, port, e));
      },
    );
  });
}

/** Wraps a runtime's connect failure, passing through errors that are already typed. */
export function asConnectError(host: string, port: number, e: unknown): Error {
  if (e instanceof ConnectionError || e instanceof TypeError || e instanceof RangeError) return e;
  return new ConnectionError(host, port, "Cannot connect", { cause: e });
}

/**
 * Whether a TLS failure is the peer's certificate failing verification, which dialing again will
 * not fix. Runtimes differ in how they say so: Node and Bun set codes such as
 * `ERR_TLS_CERT_ALTNAME_INVALID` or `DEPTH_ZERO_SELF_SIGNED_CERT`, Deno writes "invalid peer
 * certificate" in the message.
 */
export function isCertificateError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /CERT|UNABLE_TO_(GET|VERIFY)/.test(code)) return true;
  return /certificate/i.test(e.message);
}

/** A promise with its settle functions, and marked handled so a rejection nobody reads is not
 * reported as unhandled (the same promise still rejects for anyone who awaits it). */
export interface Settler {
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

/** Makes a {@linkcode Settler}. */
export function settler(): Settler {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
