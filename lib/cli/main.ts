// Copyright 2026 the kanal authors. MIT license.
/**
 * The `kanal` command line's entry: the command list and the run. `cli.ts` calls it under Deno
 * and Bun; the npm package's `bin` calls it under Node and Bun (Node 20 has no
 * `import.meta.main`, so the check lives in cli.ts, not here).
 *
 * @module
 */

import { cliRuntime } from "./_runtime.ts";
import type { Command } from "./command.ts";
import { consumeCommand } from "./consume_command.ts";
import { fakeClusterCommand } from "./fake_cluster_command.ts";
import { metadataCommand } from "./metadata_command.ts";
import { produceCommand } from "./produce_command.ts";
import { runCli } from "./run_cli.ts";
import { ADMIN_COMMANDS } from "./admin_commands.ts";

/** The commands, in the order `kanal --help` lists them. */
export const COMMANDS: readonly Command[] = [
  metadataCommand,
  produceCommand,
  consumeCommand,
  fakeClusterCommand,
  ...ADMIN_COMMANDS,
];

/**
 * Runs the command line with the process's arguments and ends the process with its exit code.
 *
 * @example Run from a script (it ends the process)
 * ```ts ignore
 * import { main } from "./main.ts";
 * await main();
 * ```
 */
export async function main(): Promise<void> {
  const runtime = cliRuntime();
  // Exit explicitly once output is written: a command's work is done, and nothing left
  // behind (a timer, a socket a runtime keeps open) should keep the process alive.
  runtime.exit(await runCli(runtime.args, COMMANDS, runtime));
}
