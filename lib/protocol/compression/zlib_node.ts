// Copyright 2026 the kanal authors. MIT license.
// Runtime adapter: the only file that touches `node:zlib`.
/**
 * Synchronous gzip and zstd from `node:zlib`, where the runtime has it.
 *
 * `node:zlib` exists in Node, Deno, Bun and Cloudflare workerd (with `nodejs_compat`); zstd in
 * it exists in Deno 2.x, Bun, workerd and Node ≥22.15 (not Node 20). It is loaded with a
 * dynamic import whose specifier bundlers cannot see, so `mod.ts` still loads where
 * `node:zlib` does not exist (a worker without `nodejs_compat`, a browser): there the import
 * fails, {@linkcode loadNodeZlib} returns `null` and the portable codecs are used.
 *
 * @module
 */

/** The slice of `node:zlib` kanal uses. */
export interface NodeZlib {
  /** gzip-compresses synchronously. */
  gzipSync(data: Uint8Array): Uint8Array;
  /** gzip-decompresses synchronously, failing past `maxOutputLength`. */
  gunzipSync(data: Uint8Array, options?: { maxOutputLength?: number }): Uint8Array;
  /** zstd-compresses synchronously, where the runtime has zstd. */
  zstdCompressSync?: (data: Uint8Array) => Uint8Array;
  /** zstd-decompresses synchronously, failing past `maxOutputLength`. */
  zstdDecompressSync?: (data: Uint8Array, options?: { maxOutputLength?: number }) => Uint8Array;
}

let loading: Promise<NodeZlib | null> | undefined;
let loaded: NodeZlib | null | undefined;

/**
 * Loads `node:zlib` once; resolves to `null` where the runtime has none.
 *
 * @example
 * ```ts
 * import { loadNodeZlib } from "./zlib_node.ts";
 * import assert from "node:assert/strict";
 *
 * const zlib = await loadNodeZlib();
 * if (zlib) assert.equal(typeof zlib.gzipSync, "function");
 * ```
 */
export function loadNodeZlib(): Promise<NodeZlib | null> {
  loading ??= (async () => {
    try {
      // A specifier in a variable: bundlers leave it alone, so a build for a platform without
      // node:zlib does not fail; the runtime resolves it or throws, and we fall back.
      const specifier = ["node", "zlib"].join(":");
      const mod = await import(specifier);
      const zlib = (mod.default ?? mod) as NodeZlib;
      loaded = typeof zlib.gzipSync === "function" ? zlib : null;
    } catch {
      loaded = null;
    }
    return loaded;
  })();
  return loading;
}

/** A plain Uint8Array view of a Node Buffer, so `slice()` copies as everywhere else. */
export function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * `node:zlib` if {@linkcode loadNodeZlib} has finished and found it, `null` if it found
 * none, `undefined` while nobody has asked yet.
 */
export function nodeZlibIfLoaded(): NodeZlib | null | undefined {
  return loaded;
}
