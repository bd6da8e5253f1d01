// Copyright 2026 the kanal authors. MIT license.
// Beside _runtime.ts, the other file of the command line that touches runtime APIs: reading the
// files and running the commands that security options name. `node:fs` and
// `node:child_process` exist on Deno, Bun and Node alike.
/**
 * Files and commands for `-X ssl.*.location` and the OAUTHBEARER token options.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { execFile } from "node:child_process";

/** Reads a UTF-8 file; throws with the path (never the contents) when it cannot. */
export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** Runs `command` with `sh -c` and resolves with its standard output. */
export function commandOutput(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("sh", ["-c", command], { timeout: 30_000 }, (err, stdout) => {
      // The command's own error output may hold a token: report only its exit.
      if (err) reject(new Error(`the token command failed (${err.code ?? err.signal})`));
      else resolve(String(stdout));
    });
  });
}
