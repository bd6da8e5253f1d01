// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's instrumentation events: `on(name, listener)` returns the function that removes the
 * listener, and each event is `{ id, type, timestamp, payload }`.
 *
 * @module
 */

/** One event as a listener gets it. */
export interface InstrumentationEvent<T = unknown> {
  /** A number unique in the process. */
  id: number;
  /** The event's name, e.g. `producer.connect`. */
  type: string;
  /** When it happened, in milliseconds since the epoch. */
  timestamp: number;
  /** What happened. */
  payload: T;
}

let nextId = 0;

/** The listeners of one producer, consumer or admin, by event name. */
export class Instrumentation {
  readonly #listeners = new Map<string, Set<(event: InstrumentationEvent) => void>>();
  readonly #known: ReadonlySet<string>;
  readonly #owner: string;

  /**
   * @param owner What emits them (for the error on an unknown name).
   * @param names Every event name it can emit.
   */
  constructor(owner: string, names: Iterable<string>) {
    this.#owner = owner;
    this.#known = new Set(names);
  }

  /**
   * Adds a listener.
   *
   * @throws {TypeError} for a name this emitter does not have, as KafkaJS does.
   */
  on(name: string, listener: (event: InstrumentationEvent) => void): () => void {
    if (!this.#known.has(name)) {
      throw new TypeError(
        `Cannot listen to "${name}" as ${this.#owner} emits ${[...this.#known].join(", ")}`,
      );
    }
    let set = this.#listeners.get(name);
    if (set === undefined) this.#listeners.set(name, set = new Set());
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Calls every listener of `name`; a listener that throws does not stop the others. */
  emit(name: string, payload: unknown): void {
    const set = this.#listeners.get(name);
    if (set === undefined || set.size === 0) return;
    const event = { id: nextId++, type: name, timestamp: Date.now(), payload };
    for (const listener of set) {
      try {
        listener(event);
      } catch (e) {
        // A listener's own bug must not break the client; it is shown, not lost.
        console.error(e);
      }
    }
  }
}
