/** {@link SyncHandle}: the sync state of one database, and a wait for its first sync. */
import type { EideticaError, ID, PublicKeyText } from "@eidetica/core";
import { AbortedError, WaitTimeoutError } from "./errors.js";
import type { PeerStore } from "@eidetica/peer-store";
import type { SyncEvents } from "./events.js";
import type { Timers } from "./timers.js";

/** Where one database's sync stands. */
export interface SyncStatus {
  readonly database: ID;
  /** True once this node holds the database complete. */
  readonly hasLocalData: boolean;
  /** When a sync of it with any peer last succeeded (milliseconds), or null. Survives restarts. */
  readonly lastSync: number | null;
  /** The error of the last failed sync, or null if the last one succeeded. */
  readonly lastError: EideticaError | null;
  /** Syncs of it running now. */
  readonly syncing: number;
  /** The peers it is synced with. */
  readonly peers: readonly PublicKeyText[];
}

/** @internal What a handle reads its state from. */
export interface HandleSource {
  readonly store: PeerStore;
  readonly events: SyncEvents;
  readonly timers: Timers;
  hasLocalData(db: ID): Promise<boolean>;
  runtime(db: ID): { readonly lastSync: number | null; readonly lastError: EideticaError | null; readonly syncing: number };
}

/**
 * A database's sync, as seen from this node. Get one with `sync.handle(db)`.
 *
 * @example
 * ```ts
 * const handle = sync.handle(db.id);
 * await handle.waitForInitialSync({ timeoutMs: 10_000 });
 * (await handle.status()).lastSync; // when it last synced
 * ```
 */
export class SyncHandle {
  readonly database: ID;
  readonly #source: HandleSource;

  /** @internal */
  constructor(source: HandleSource, database: ID) {
    this.#source = source;
    this.database = database;
  }

  /** The database's sync status now. */
  async status(): Promise<SyncStatus> {
    const runtime = this.#source.runtime(this.database);
    const persisted = this.#source.store.relationships
      .peersOf(this.database)
      .map((peer) => this.#source.store.cursors.get(peer, this.database)?.updatedAt ?? 0)
      .reduce((a, b) => Math.max(a, b), 0);
    const lastSync = Math.max(runtime.lastSync ?? 0, persisted);
    return {
      database: this.database,
      hasLocalData: await this.#source.hasLocalData(this.database),
      lastSync: lastSync === 0 ? null : lastSync,
      lastError: runtime.lastError,
      syncing: runtime.syncing,
      peers: this.#source.store.relationships.peersOf(this.database),
    };
  }

  /**
   * Resolves when the database has synced once: at once if it already has, else on the next
   * `sync:complete` event for it (an event, not polling). Failed syncs do not end the wait.
   * @throws {WaitTimeoutError} if `timeoutMs` passes first (on the injected timers).
   * @throws {AbortedError} if `signal` aborts first.
   */
  async waitForInitialSync(options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<void> {
    if ((await this.status()).lastSync !== null) return;
    await new Promise<void>((resolve, reject) => {
      let timer: unknown;
      const finish = (error?: EideticaError) => {
        off();
        if (timer !== undefined) this.#source.timers.clear(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const off = this.#source.events.on("sync:complete", (event) => {
        if (event.database === this.database) finish();
      });
      const onAbort = () => finish(new AbortedError(`waiting for the first sync of ${this.database} was aborted`));
      if (options.signal?.aborted === true) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = this.#source.timers.set(() => finish(new WaitTimeoutError(`${this.database} did not sync within ${options.timeoutMs} ms`)), options.timeoutMs);
      }
    });
  }
}
