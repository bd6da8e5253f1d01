// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The admin commands of the `kanal` command line, shaped like rpk's: `topic`, `group`, `acl`,
 * `cluster`, `user`, `quota`, `transaction` and `partition`.
 *
 * @module
 */

import type { Command } from "./command.ts";
import { topicCommand } from "./topic_command.ts";
import { groupCommand } from "./group_command.ts";
import { aclCommand } from "./acl_command.ts";
import { clusterCommand } from "./cluster_command.ts";
import { userCommand } from "./user_command.ts";
import { quotaCommand } from "./quota_command.ts";
import { transactionCommand } from "./transaction_command.ts";
import { partitionCommand } from "./partition_command.ts";

/**
 * Every admin command, for `cli.ts` to list.
 *
 * @example
 * ```ts
 * import { ADMIN_COMMANDS } from "./admin_commands.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(ADMIN_COMMANDS.some((c) => c.name === "topic"));
 * ```
 */
export const ADMIN_COMMANDS: readonly Command[] = [
  topicCommand,
  groupCommand,
  aclCommand,
  clusterCommand,
  userCommand,
  quotaCommand,
  transactionCommand,
  partitionCommand,
];
