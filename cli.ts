// Copyright 2026 the kanal authors. MIT license.
/**
 * The `kanal` command line, with kcat's habits:
 *
 * ```sh
 * deno run -A cli.ts metadata -b 127.0.0.1:9092      # or: bun cli.ts -L -b 127.0.0.1:9092
 * seq 10 | deno run -A cli.ts produce -b 127.0.0.1:9092 -t numbers   # or: bun cli.ts -P …
 * deno run -A cli.ts consume -b 127.0.0.1:9092 -t numbers -e        # or: bun cli.ts -C …
 * ```
 *
 * This file only lists the commands; each lives in `lib/cli/<name>_command.ts`, and
 * `lib/cli/run_cli.ts` finds one, parses its flags and maps failures to exit codes.
 *
 * @module
 */

import { cliRuntime } from "./lib/cli/_runtime.ts";
import type { Command } from "./lib/cli/command.ts";
import { consumeCommand } from "./lib/cli/consume_command.ts";
import { fakeClusterCommand } from "./lib/cli/fake_cluster_command.ts";
import { metadataCommand } from "./lib/cli/metadata_command.ts";
import { produceCommand } from "./lib/cli/produce_command.ts";
import { runCli } from "./lib/cli/run_cli.ts";
import { ADMIN_COMMANDS } from "./lib/cli/admin_commands.ts";

// In the order `kanal --help` lists them.
const COMMANDS: readonly Command[] = [
  metadataCommand,
  produceCommand,
  consumeCommand,
  fakeClusterCommand,
  ...ADMIN_COMMANDS,
];

if (import.meta.main) {
  const runtime = cliRuntime();
  // Exit explicitly once output is written: a command's work is done, and nothing left
  // behind (a timer, a socket a runtime keeps open) should keep the process alive.
  runtime.exit(await runCli(runtime.args, COMMANDS, runtime));
}
