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
 * This file only starts `lib/cli/main.ts`, which lists the commands; each lives in
 * `lib/cli/<name>_command.ts`, and
 * `lib/cli/run_cli.ts` finds one, parses its flags and maps failures to exit codes.
 *
 * @module
 */

import { main } from "./lib/cli/main.ts";

if (import.meta.main) await main();
