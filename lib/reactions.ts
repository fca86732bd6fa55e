import type { Tx } from "./db/sql";

/**
 * "It happened" apart from "who is told": a domain records a change in its own transaction and
 * emits what happened there; other parts of Triage (mail today; webhooks and service-level clocks
 * later) react inside the same transaction, so that a change rolled back tells nobody and a
 * change committed loses nothing. The domain never imports what reacts to it: reactions are
 * registered at start (lib/reactions-start.ts, called from instrumentation.ts, and by the tests).
 *
 * Registries live on globalThis: Next.js may load a module once per bundle, and every copy must
 * see the reactions registered at start. A reaction is registered under a name, so registering
 * again (a dev reload) replaces it instead of running it twice.
 */
export type Reaction<E> = (tx: Tx, event: E) => Promise<void>;

export type Registry<E> = {
  /** Registers (or replaces) the reaction called `name`. */
  on(name: string, reaction: Reaction<E>): void;
  /** Runs every reaction, in registration order, in the caller's transaction. */
  emit(tx: Tx, event: E): Promise<void>;
};

type Store = { started: boolean; registries: Map<string, Map<string, Reaction<unknown>>> };
const g = globalThis as unknown as { triageReactions?: Store };
const store = (g.triageReactions ??= { started: false, registries: new Map() });

export function registry<E>(topic: string): Registry<E> {
  const reactions = () => {
    let r = store.registries.get(topic);
    if (!r) store.registries.set(topic, (r = new Map()));
    return r as Map<string, Reaction<E>>;
  };
  return {
    on(name, reaction) {
      reactions().set(name, reaction);
    },
    async emit(tx, event) {
      // A process that never registered its reactions would change tickets and tell nobody.
      if (!store.started) throw new Error(`${topic}: an event was emitted before the reactions were registered (lib/reactions-start.ts)`);
      for (const reaction of reactions().values()) await reaction(tx, event);
    },
  };
}

/** Marks the reactions as registered: from now on events may be emitted. */
export function reactionsStarted() {
  store.started = true;
}
