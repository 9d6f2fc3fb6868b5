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

  /** Puts an entry from `peer` in quarantine, evicting that peer's oldest entries if full. */
  add(peer: string, tree: ID, entry: Entry): void {
    let queue = this.#peers.get(peer);
    if (queue === undefined) {
      queue = { waiting: new Map(), bytes: 0 };
      this.#peers.set(peer, queue);
    }
    if (queue.waiting.has(entry.id)) return;
    queue.waiting.set(entry.id, { entry, tree, arrivedAt: this.#clock.nowMillis() });
    queue.bytes += entry.encodedLength;
    for (const [id, oldest] of queue.waiting) {
      if (queue.waiting.size <= this.#maxEntries && queue.bytes <= this.#maxBytes) break;
      queue.waiting.delete(id);
      queue.bytes -= oldest.entry.encodedLength;
      this.drops.evicted++;
    }
  }

  /** Drops every entry older than the time-to-live. */
  sweep(): void {
    const cutoff = this.#clock.nowMillis() - this.#ttl;
    for (const queue of this.#peers.values()) {
      for (const [id, waiting] of queue.waiting) {
        if (waiting.arrivedAt > cutoff) continue;
        queue.waiting.delete(id);
        queue.bytes -= waiting.entry.encodedLength;
        this.drops.expired++;
      }
    }
  }

  /** Every waiting entry of database `tree`, from any peer, with the peer that sent it. */
  waitingFor(tree: ID): { peer: string; entry: Entry }[] {
    const out: { peer: string; entry: Entry }[] = [];
    for (const [peer, queue] of this.#peers) {
      for (const waiting of queue.waiting.values()) if (waiting.tree === tree) out.push({ peer, entry: waiting.entry });
    }
    return out;
  }

  /** Removes an entry (promoted or rejected) from every peer's queue. */
  remove(id: ID): void {
    for (const queue of this.#peers.values()) {
      const waiting = queue.waiting.get(id);
      if (waiting === undefined) continue;
      queue.waiting.delete(id);
      queue.bytes -= waiting.entry.encodedLength;
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
