/** {@link Peers}: the peers this node has met, with their addresses and sync health. */
import { NotFoundError, type Clock, type PublicKeyText } from "@eidetica/core";
import { rowKey } from "./keys.js";
import { put, type RowWrite, type SyncTables } from "./tables.js";
import type { Address, PeerRecord, PeerStatus } from "./types.js";

/** What {@link Peers.register} records about a peer. */
export interface PeerSighting {
  readonly displayName?: string | null;
  /** Addresses to add (kept in order, without repeats). */
  readonly addresses?: readonly Address[];
}

const sameAddress = (a: Address, b: Address) => a.transportType === b.transportType && a.address === b.address;

function withAddresses(existing: readonly Address[], added: readonly Address[]): readonly Address[] {
  const out = [...existing];
  for (const address of added) if (!out.some((known) => sameAddress(known, address))) out.push(address);
  return out.length === existing.length ? existing : out;
}

/**
 * Peers, keyed by their proven device key. Reads are synchronous (from memory); every change
 * is one commit to `_sync`. Times the store would only move forward by less than
 * `seenResolutionMs` are not written, so seeing a peer often costs no commit.
 *
 * @example
 * ```ts
 * await store.peers.register(key, { displayName: "laptop", addresses: [{ transportType: "http", address: "127.0.0.1:8080" }] });
 * store.peers.get(key)?.status; // "active"
 * ```
 */
export class Peers {
  readonly #tables: SyncTables;
  readonly #clock: Clock;
  readonly #resolution: number;
  readonly #cascade: (pubkey: PublicKeyText) => RowWrite[];

  /** @internal */
  constructor(tables: SyncTables, clock: Clock, seenResolutionMs: number, cascade: (pubkey: PublicKeyText) => RowWrite[]) {
    this.#tables = tables;
    this.#clock = clock;
    this.#resolution = seenResolutionMs;
    this.#cascade = cascade;
  }

  /** The peer with this key, if known. */
  get(pubkey: PublicKeyText): PeerRecord | undefined {
    return this.#tables.get("peers", rowKey(pubkey));
  }

  /** True if the peer is known. */
  has(pubkey: PublicKeyText): boolean {
    return this.get(pubkey) !== undefined;
  }

  /** Every known peer (optionally only those with `status`), sorted by key. */
  list(filter: { readonly status?: PeerStatus } = {}): PeerRecord[] {
    return [...this.#tables.rows("peers").values()]
      .filter((peer) => filter.status === undefined || peer.status === filter.status)
      .sort((a, b) => (a.pubkey < b.pubkey ? -1 : a.pubkey > b.pubkey ? 1 : 0));
  }

  /**
   * Records that the peer was seen (after proving its key): creates it (active) or updates its
   * display name, adds new addresses and moves `lastSeen`. Concurrent calls for one peer make
   * one record with every address.
   */
  async register(pubkey: PublicKeyText, sighting: PeerSighting = {}): Promise<PeerRecord> {
    return this.#update(pubkey, true, (peer, now) => {
      const base: PeerRecord = peer ?? {
        pubkey,
        displayName: null,
        addresses: [],
        status: "active",
        firstSeen: now,
        lastSeen: now,
        lastSuccessfulSync: null,
        connectionAttempts: 0,
        lastError: null,
      };
      return {
        ...base,
        displayName: sighting.displayName === undefined ? base.displayName : sighting.displayName,
        addresses: withAddresses(base.addresses, sighting.addresses ?? []),
        lastSeen: now - base.lastSeen >= this.#resolution ? now : base.lastSeen,
      };
    });
  }

  /**
   * Sets a peer's status.
   * @throws {NotFoundError} if the peer is unknown.
   */
  async setStatus(pubkey: PublicKeyText, status: PeerStatus): Promise<PeerRecord> {
    return this.#update(pubkey, false, (peer) => ({ ...(peer as PeerRecord), status }));
  }

  /** Adds an address (no repeat). @throws {NotFoundError} if the peer is unknown. */
  async addAddress(pubkey: PublicKeyText, address: Address): Promise<PeerRecord> {
    return this.#update(pubkey, false, (peer) => ({ ...(peer as PeerRecord), addresses: withAddresses((peer as PeerRecord).addresses, [address]) }));
  }

  /** Removes an address. @throws {NotFoundError} if the peer is unknown. */
  async removeAddress(pubkey: PublicKeyText, address: Address): Promise<PeerRecord> {
    return this.#update(pubkey, false, (peer) => ({ ...(peer as PeerRecord), addresses: (peer as PeerRecord).addresses.filter((a) => !sameAddress(a, address)) }));
  }

  /** Removes every address of one transport kind. @throws {NotFoundError} if the peer is unknown. */
  async removeAddresses(pubkey: PublicKeyText, transportType: string): Promise<PeerRecord> {
    return this.#update(pubkey, false, (peer) => ({ ...(peer as PeerRecord), addresses: (peer as PeerRecord).addresses.filter((a) => a.transportType !== transportType) }));
  }

  /** Records a successful sync: clears the failure count and last error. @throws {NotFoundError} if unknown. */
  async recordSuccess(pubkey: PublicKeyText): Promise<PeerRecord> {
    return this.#update(pubkey, false, (peer, now) => {
      const p = peer as PeerRecord;
      const stale = p.lastSuccessfulSync === null || now - p.lastSuccessfulSync >= this.#resolution;
      return { ...p, lastSuccessfulSync: stale ? now : p.lastSuccessfulSync, connectionAttempts: 0, lastError: null };
    });
  }

  /** Records a failed attempt and its reason. @throws {NotFoundError} if the peer is unknown. */
  async recordFailure(pubkey: PublicKeyText, error: string): Promise<PeerRecord> {
    return this.#update(pubkey, false, (peer) => {
      const p = peer as PeerRecord;
      return { ...p, connectionAttempts: p.connectionAttempts + 1, lastError: error.slice(0, 1_000) };
    });
  }

  /**
   * Forgets a peer and everything kept about it: relationships, cursors, retry state. Returns
   * false if it was not known.
   */
  async remove(pubkey: PublicKeyText): Promise<boolean> {
    return this.#tables.write(() => {
      if (!this.has(pubkey)) return { writes: [], result: false };
      return { writes: [put("peers", rowKey(pubkey), undefined), ...this.#cascade(pubkey)], result: true };
    });
  }

  async #update(pubkey: PublicKeyText, create: boolean, change: (peer: PeerRecord | undefined, now: number) => PeerRecord): Promise<PeerRecord> {
    return this.#tables.write(() => {
      const peer = this.get(pubkey);
      if (peer === undefined && !create) throw new NotFoundError(`peer ${pubkey} is not known`);
      const write = put("peers", rowKey(pubkey), change(peer, this.#clock.nowMillis()));
      return { writes: [write], result: write.value };
    });
  }
}
