// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sends a request to a group's coordinator, looking it up again (a few times) when the answer
 * says the coordinator moved or is loading.
 *
 * @module
 */

import { Client } from "../client/client.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { sleep } from "../util/sleep.ts";

/**
 * Calls `send(coordinator)` and returns its answer; `send` returns the error code it saw (0 for
 * none) with its value, and a coordinator error makes it look the coordinator up and try again.
 */
export async function atCoordinator<R>(
  client: Client,
  groupId: string,
  send: (coordinator: number) => Promise<{ code: number; value: R }>,
  attempts = 10,
): Promise<{ code: number; value: R }> {
  for (let attempt = 1;; attempt++) {
    const coordinator = await client.coordinator(groupId);
    const r = await send(coordinator);
    const stale = Client.isCoordinatorError(r.code) ||
      r.code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (!stale || attempt >= attempts) return r;
    if (Client.isCoordinatorError(r.code)) client.forgetCoordinator(groupId);
    await sleep(client.options.retryBackoffMs, client.signal);
  }
}
