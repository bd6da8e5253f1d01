// Copyright 2026 the kanal authors. MIT license.
/**
 * The kanal command line, with kcat's habits. Commands arrive with the client issues
 * (`metadata`, `produce`, `consume`); for now it says so.
 *
 * @module
 */

const args: string[] = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2) ?? [];

if (import.meta.main) {
  console.error(`kanal: no commands yet (${args.join(" ") || "no arguments"}); see README.md`);
  (globalThis as { process?: { exitCode?: number } }).process!.exitCode = 2;
}
