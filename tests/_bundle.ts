// Copyright 2026 the kanal authors. MIT license.
/**
 * One-file bundles of test programs for runtimes that cannot load kanal's TypeScript: Node 20
 * (no type stripping) and workerd (JS modules listed one by one in its config). Bun builds them
 * at test time into a temp dir; nothing built is committed.
 *
 * @module
 */

import { join } from "node:path";
import { ROOT, run } from "./_tools.ts";

export { ROOT };

/** Options for {@linkcode bundle}. */
export interface BundleOptions {
  /** `node` keeps Node's built-ins external; `browser` is for workerd. */
  target: "node" | "browser";
  /** Specifiers left as imports, e.g. `cloudflare:sockets`; `*` is a wildcard. */
  external?: string[];
}

/**
 * Bundles `entry` (a path in the repository) with everything it imports, dynamic imports
 * included, into the one ES module `outfile`.
 */
export async function bundle(
  entry: string,
  outfile: string,
  options: BundleOptions,
): Promise<void> {
  const r = await run(join(ROOT, "node_modules/.bin/bun"), [
    "build",
    `--target=${options.target}`,
    "--format=esm",
    ...(options.external ?? []).map((e) => `--external=${e}`),
    `--outfile=${outfile}`,
    join(ROOT, entry),
  ], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`bun build ${entry} failed: ${r.stderr}`);
}
