/** {@link SyncEvents}: the typed events a `Sync` emits. */
import type { EideticaError, ID, PublicKeyText } from "@eidetica/core";
import type { Address } from "@eidetica/protocol";
import type { SyncReport } from "./client/flows.js";
import type { Logger } from "./logger.js";

/** Every event and what it carries. */
export interface SyncEventMap {
  /** A handshake proved the peer's key (as client: the server's; as server: a transport-proven client's). */
  "peer:connect": { readonly peer: PublicKeyText; readonly address: Address | undefined; readonly role: "client" | "server" };
  /**
   * A page of a sync arrived or went out: `have` entries so far of `want` (null when the
   * total is not known: a pull cannot know how much the peer still has).
   */
  "sync:progress": {
    readonly peer: PublicKeyText;
    readonly database: ID;
    readonly direction: "pull" | "push";
    readonly have: number;
    readonly want: number | null;
  };
  /** A push or sync to a peer failed to reach it, after an earlier one had reached it. */
  "peer:disconnect": { readonly peer: PublicKeyText; readonly address: Address | undefined; readonly error: EideticaError };
  /** A sync with a peer finished: what came in and what went out. */
  "sync:complete": SyncReport;
  /** A sync with a peer failed. */
  "sync:error": { readonly peer: PublicKeyText | undefined; readonly database: ID; readonly address: Address | undefined; readonly error: EideticaError };
  /**
   * Entries from a peer became visible here (as client or as server). A bootstrap announces
   * the whole database once, when it is complete.
   */
  "entry:received": { readonly peer: PublicKeyText; readonly database: ID; readonly ids: readonly ID[] };
  /** An entry from a peer failed verification and was not stored (entries refused only with their page are not reported). */
  "entry:rejected": { readonly peer: PublicKeyText; readonly database: ID; readonly id: ID; readonly error: EideticaError };
}

/** An event name. */
export type SyncEventName = keyof SyncEventMap;
/** A listener of event `E`. */
export type SyncListener<E extends SyncEventName> = (event: SyncEventMap[E]) => void;

/**
 * A small typed emitter. Listeners run synchronously in the order they were added; one that
 * throws is logged and counted in {@link SyncEvents.listenerErrors}, and the others still run.
 *
 * @example
 * ```ts
 * const off = sync.events.on("sync:complete", ({ peer, received }) => console.log(peer, received));
 * off(); // unsubscribe
 * ```
 */
export class SyncEvents {
  /** Listeners that threw. */
  listenerErrors = 0;
  readonly #listeners = new Map<SyncEventName, Set<(event: never) => void>>();
  readonly #logger: Logger;

  /** @internal */
  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends SyncEventName>(name: E, listener: SyncListener<E>): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  /** Adds a listener that runs once. */
  once<E extends SyncEventName>(name: E, listener: SyncListener<E>): () => void {
    const off = this.on(name, (event) => {
      off();
      listener(event);
    });
    return off;
  }

  /** The number of listeners of an event. */
  listenerCount(name: SyncEventName): number {
    return this.#listeners.get(name)?.size ?? 0;
  }

  /** @internal Emits an event. */
  emit<E extends SyncEventName>(name: E, event: SyncEventMap[E]): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        (listener as SyncListener<E>)(event);
      } catch (error) {
        this.listenerErrors++;
        this.#logger.error(`a ${name} listener threw`, { error });
      }
    }
  }
}
