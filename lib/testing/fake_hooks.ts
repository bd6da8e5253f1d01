// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Control hooks: code a test runs on each request before the fake answers it, to watch it,
 * answer it differently, fail it, slow it, or lose it.
 *
 * @module
 */

/** A request as a hook sees it. */
export interface FakeRequest {
  /** The API key. */
  readonly key: number;
  /** The API's name, e.g. `Produce`. */
  readonly name: string;
  /** The request version. */
  readonly version: number;
  /** The decoded request body (the generated codec's type for `key`). */
  readonly body: unknown;
  /** The node id of the broker it came to. */
  readonly brokerId: number;
  /** The client id. */
  readonly clientId: string | null;
  /** The correlation id. */
  readonly correlationId: number;
}

/**
 * What a hook tells the fake to do with a request. A hook that returns `undefined` only
 * observes.
 *
 * - `reply`: answer with `body` (the generated response type for the key) without applying
 *   the request.
 * - `error`: answer with Kafka error `code` everywhere the response has an error code, without
 *   applying the request (requests that change nothing are answered normally, then stamped).
 * - `delay`: wait `ms`, then go on to the next hook and the normal answer.
 * - `drop`: neither apply nor answer. The connection is closed (`silent`: left open, and it
 *   answers nothing more, as a hung broker).
 * - `applyAndDrop`: apply the request, then lose the answer the same way: the duplicate-maker,
 *   as a produce whose acknowledgement is lost is sent again.
 * - `rewrite`: apply the request and pass its answer through `fn`.
 */
export type FakeAction =
  | { readonly kind: "reply"; readonly body: unknown }
  | { readonly kind: "error"; readonly code: number }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "drop"; readonly silent?: boolean }
  | { readonly kind: "applyAndDrop"; readonly silent?: boolean }
  | { readonly kind: "rewrite"; readonly fn: (response: unknown) => unknown };

/** A hook: inspects a request and returns an action, or undefined to let it through. */
export type FakeHookFn = (
  request: FakeRequest,
) => FakeAction | undefined | void | Promise<FakeAction | undefined | void>;

/** Which requests a hook sees, and for how long it stays. */
export interface FakeHookOptions {
  /** Only requests with this API key. @default {every key} */
  key?: number;
  /** Only requests to this broker. @default {every broker} */
  broker?: number;
  /**
   * Remove the hook after the first request it acts on (returns an action for); an observing
   * hook (returns undefined) stays.
   *
   * @default {false}
   */
  once?: boolean;
}

/** An installed hook. */
export interface FakeHook {
  /** How many requests it has seen. */
  readonly calls: number;
  /** Removes it; later requests no longer see it. */
  remove(): void;
}

interface Entry {
  fn: FakeHookFn;
  options: FakeHookOptions;
  calls: number;
  removed: boolean;
}

/**
 * The hooks of one fake cluster, run in the order they were added.
 *
 * @example A hook that fails the first Produce
 * ```ts
 * import { FakeHooks } from "./fake_hooks.ts";
 * import assert from "node:assert/strict";
 *
 * const hooks = new FakeHooks();
 * hooks.add(() => ({ kind: "error", code: 6 }), { key: 0, once: true });
 * const req = { key: 0, name: "Produce", version: 9, body: {}, brokerId: 1, clientId: null, correlationId: 1 };
 * assert.deepEqual(await hooks.run(req), [{ kind: "error", code: 6 }]);
 * assert.deepEqual(await hooks.run(req), []);
 * ```
 */
export class FakeHooks {
  readonly #entries: Entry[] = [];

  /** Adds a hook. */
  add(fn: FakeHookFn, options: FakeHookOptions = {}): FakeHook {
    const entry: Entry = { fn, options, calls: 0, removed: false };
    this.#entries.push(entry);
    const entries = this.#entries;
    return {
      get calls(): number {
        return entry.calls;
      },
      remove(): void {
        entry.removed = true;
        const i = entries.indexOf(entry);
        if (i >= 0) entries.splice(i, 1);
      },
    };
  }

  /**
   * Runs the hooks on `request` in order and returns the actions they chose: any number of
   * delays, then at most one final action. Waits out each delay before the next hook.
   */
  async run(request: FakeRequest): Promise<FakeAction[]> {
    const out: FakeAction[] = [];
    for (const e of [...this.#entries]) {
      if (e.removed) continue;
      if (e.options.key !== undefined && e.options.key !== request.key) continue;
      if (e.options.broker !== undefined && e.options.broker !== request.brokerId) continue;
      e.calls++;
      const action = await e.fn(request);
      if (action === undefined || action === null) continue;
      if (e.options.once) {
        e.removed = true;
        const i = this.#entries.indexOf(e);
        if (i >= 0) this.#entries.splice(i, 1);
      }
      out.push(action);
      if (action.kind === "delay") {
        await new Promise<void>((r) => setTimeout(r, action.ms));
        continue;
      }
      break;
    }
    return out;
  }
}
