// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The pieces of the `kanal` command line (`cli.ts`): the flag parser, the command contract, the
 * dispatcher and the commands, for tools that want to embed or extend it.
 *
 * @module
 */

export * from "./args.ts";
export * from "./client_options.ts";
export * from "./command.ts";
export * from "./consume_command.ts";
export * from "./metadata_command.ts";
export * from "./produce_command.ts";
export * from "./record_formatter.ts";
export * from "./run_cli.ts";
