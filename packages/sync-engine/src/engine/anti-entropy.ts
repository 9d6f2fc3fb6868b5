/**
 * Anti-entropy (DESIGN 4.5): on each database's interval, a sync both ways (pull and push)
 * with every related peer, each interval drawn ±20% so that a fleet does not synchronise its
 * timers. Work whose retries ran out is handed here: it is synced on the database's interval,
 * or on a fallback interval for a database that has none, so nothing is ever dropped.
 */
import type { ID, PublicKeyText, Random } from "@eidetica/core";
import type { ClientContext } from "../client/context.js";
import type { Timers } from "../timers.js";
import type { EngineOptions } from "./engine.js";

/** A factor drawn uniformly from [1 - spread, 1 + spread]. */
function jittered(ms: number, spread: number, random: Random): number {
  const [a = 0, b = 0, c = 0] = random.bytes(3);
  const u = ((a << 16) + (b << 8) + c) / 2 ** 24;
  return Math.max(1, Math.round(ms * (1 - spread + 2 * spread * u)));
}

/** @internal */
export class AntiEntropy {
  readonly #client: ClientContext;
  readonly #timers: Timers;
  readonly #options: EngineOptions;
  readonly #enqueue: (peer: PublicKeyText, db: ID) => void;
  readonly #scheduled = new Map<ID, unknown>();
  /** Pairs whose retries ran out, by database. */
  readonly #handedOff = new Map<ID, Set<PublicKeyText>>();
  #fallback: unknown;
  #running = false;

  constructor(client: ClientContext, timers: Timers, options: EngineOptions, enqueue: (peer: PublicKeyText, db: ID) => void) {
    this.#client = client;
    this.#timers = timers;
    this.#options = options;
    this.#enqueue = enqueue;
  }

  /** Schedules every database with an interval. */
  start(): void {
    this.#running = true;
    for (const { database } of this.#client.store.databases.list()) this.reschedule(database);
    if (this.#handedOff.size > 0) this.#armFallback();
  }

  /** Cancels every timer. */
  stop(): void {
    this.#running = false;
    for (const timer of this.#scheduled.values()) this.#timers.clear(timer);
    this.#scheduled.clear();
    if (this.#fallback !== undefined) this.#timers.clear(this.#fallback);
    this.#fallback = undefined;
  }

  /** Follows a change of the database's settings (its interval, or sync turned on or off). */
  reschedule(db: ID): void {
    const timer = this.#scheduled.get(db);
    if (timer !== undefined) this.#timers.clear(timer);
    this.#scheduled.delete(db);
    const interval = this.#intervalMs(db);
    if (!this.#running || interval === undefined) return;
    this.#scheduled.set(
      db,
      this.#timers.set(() => {
        this.#scheduled.delete(db);
        this.round(db);
        this.reschedule(db);
      }, jittered(interval, this.#options.intervalJitter ?? 0.2, this.#client.random)),
    );
  }

  /** One round for `db`: a sync with every active related peer (and any handed-off one). */
  round(db: ID): void {
    const { store } = this.#client;
    const peers = new Set(store.relationships.peersOf(db).filter((peer) => store.peers.get(peer)?.status === "active"));
    for (const peer of this.#handedOff.get(db) ?? []) peers.add(peer);
    this.#handedOff.delete(db);
    for (const peer of peers) this.#enqueue(peer, db);
  }

  /** Takes over the work of a (peer, database) pair whose retries ran out. */
  handOff(peer: PublicKeyText, db: ID): void {
    let peers = this.#handedOff.get(db);
    if (peers === undefined) this.#handedOff.set(db, (peers = new Set()));
    peers.add(peer);
    if (this.#intervalMs(db) === undefined) this.#armFallback();
  }

  /** Pairs handed over and not synced yet. */
  get handedOff(): number {
    let n = 0;
    for (const peers of this.#handedOff.values()) n += peers.size;
    return n;
  }

  #intervalMs(db: ID): number | undefined {
    const settings = this.#client.store.databases.get(db);
    return settings.syncEnabled && settings.intervalSeconds !== null ? settings.intervalSeconds * 1_000 : undefined;
  }

  #armFallback(): void {
    if (!this.#running || this.#fallback !== undefined) return;
    const ms = (this.#options.fallbackIntervalSeconds ?? 300) * 1_000;
    this.#fallback = this.#timers.set(() => {
      this.#fallback = undefined;
      for (const db of [...this.#handedOff.keys()]) if (this.#intervalMs(db) === undefined) this.round(db);
      if (this.#handedOff.size > 0) this.#armFallback();
    }, jittered(ms, this.#options.intervalJitter ?? 0.2, this.#client.random));
  }
}
