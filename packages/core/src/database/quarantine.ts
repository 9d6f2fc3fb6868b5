/**
 * The quarantine (DESIGN 4.2, reliability E7): entries from a peer whose parents (or pinned
 * settings) are not held yet wait here, invisible to reads, tips and serving, until they
 * arrive. Bounded per peer by count and bytes, oldest evicted first, and each entry expires
 * after a time-to-live measured on the injected clock.
 */
import type { Entry } from "../entry/entry.js";
import type { ID } from "../id/id.js";
import { LIMITS } from "../limits.js";
import type { Clock } from "../util/clock.js";

/** Bounds of the quarantine. Defaults come from {@link LIMITS}. */
export interface QuarantineLimits {
  readonly entriesPerPeer?: number;
  readonly bytesPerPeer?: number;
  readonly ttlMs?: number;
}

interface Waiting {
  readonly entry: Entry;
  readonly tree: ID;
  readonly arrivedAt: number;
  /** What it waits for: the IDs it depends on. */
  readonly deps: readonly ID[];
}

interface PeerQueue {
  readonly waiting: Map<ID, Waiting>;
  bytes: number;
}

/** What the quarantine dropped without promoting: by eviction or expiry. */
export interface QuarantineDrops {
  evicted: number;
  expired: number;
}

/** Entries waiting for their dependencies, per peer. */
export class Quarantine {
  readonly #peers = new Map<string, PeerQueue>();
  /** Waiting entry IDs by each ID they depend on, so arrivals wake only their dependents. */
  readonly #byDep = new Map<ID, Set<ID>>();
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #ttl: number;
  readonly drops: QuarantineDrops = { evicted: 0, expired: 0 };
  /** The bounds in force. */
  readonly limits: Required<QuarantineLimits>;

  constructor(clock: Clock, limits: QuarantineLimits = {}) {
    this.#clock = clock;
    this.#maxEntries = limits.entriesPerPeer ?? LIMITS.quarantineEntriesPerPeer;
    this.#maxBytes = limits.bytesPerPeer ?? LIMITS.quarantineBytesPerPeer;
    this.#ttl = limits.ttlMs ?? LIMITS.quarantineTtlMs;
    this.limits = { entriesPerPeer: this.#maxEntries, bytesPerPeer: this.#maxBytes, ttlMs: this.#ttl };
  }

  /**
   * Puts an entry from `peer` in quarantine, evicting that peer's oldest entries if full.
   * @param deps - the IDs it depends on (parents, store parents, pinned settings).
   */
  add(peer: string, tree: ID, entry: Entry, deps: readonly ID[]): void {
    let queue = this.#peers.get(peer);
    if (queue === undefined) {
      queue = { waiting: new Map(), bytes: 0 };
      this.#peers.set(peer, queue);
    }
    if (queue.waiting.has(entry.id)) return;
    queue.waiting.set(entry.id, { entry, tree, arrivedAt: this.#clock.nowMillis(), deps });
    queue.bytes += entry.encodedLength;
    for (const dep of deps) {
      let waiters = this.#byDep.get(dep);
      if (waiters === undefined) {
        waiters = new Set();
        this.#byDep.set(dep, waiters);
      }
      waiters.add(entry.id);
    }
    for (const [id, oldest] of queue.waiting) {
      if (queue.waiting.size <= this.#maxEntries && queue.bytes <= this.#maxBytes) break;
      this.#drop(queue, id, oldest);
      this.drops.evicted++;
    }
  }

  #drop(queue: PeerQueue, id: ID, waiting: Waiting): void {
    queue.waiting.delete(id);
    queue.bytes -= waiting.entry.encodedLength;
    if (this.has(id)) return; // another peer's copy still waits on the same deps
    for (const dep of waiting.deps) {
      const waiters = this.#byDep.get(dep);
      waiters?.delete(id);
      if (waiters?.size === 0) this.#byDep.delete(dep);
    }
  }

  /** Drops every entry older than the time-to-live. */
  sweep(): void {
    const cutoff = this.#clock.nowMillis() - this.#ttl;
    for (const queue of this.#peers.values()) {
      for (const [id, waiting] of queue.waiting) {
        if (waiting.arrivedAt > cutoff) continue;
        this.#drop(queue, id, waiting);
        this.drops.expired++;
      }
    }
  }

  /**
   * The waiting entries of database `tree` that depend, directly or through other waiting
   * entries, on any of `arrivals`: the only ones an arrival can let through.
   */
  wokenBy(tree: ID, arrivals: Iterable<ID>): { peer: string; entry: Entry }[] {
    const out: { peer: string; entry: Entry }[] = [];
    const seen = new Set<ID>();
    const stack = [...arrivals];
    while (stack.length > 0) {
      for (const id of this.#byDep.get(stack.pop() as ID) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const found = this.#find(id);
        if (found === undefined || found.waiting.tree !== tree) continue;
        out.push({ peer: found.peer, entry: found.waiting.entry });
        stack.push(id);
      }
    }
    return out;
  }

  #find(id: ID): { peer: string; waiting: Waiting } | undefined {
    for (const [peer, queue] of this.#peers) {
      const waiting = queue.waiting.get(id);
      if (waiting !== undefined) return { peer, waiting };
    }
    return undefined;
  }

  /** Removes an entry (promoted or rejected) from every peer's queue. */
  remove(id: ID): void {
    for (const queue of this.#peers.values()) {
      const waiting = queue.waiting.get(id);
      if (waiting !== undefined) this.#drop(queue, id, waiting);
    }
  }

  /** True if the entry waits in some peer's queue. */
  has(id: ID): boolean {
    for (const queue of this.#peers.values()) if (queue.waiting.has(id)) return true;
    return false;
  }

  /** How many entries and bytes wait, for one peer or for all. */
  size(peer?: string): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    for (const [name, queue] of this.#peers) {
      if (peer !== undefined && name !== peer) continue;
      entries += queue.waiting.size;
      bytes += queue.bytes;
    }
    return { entries, bytes };
  }
}
