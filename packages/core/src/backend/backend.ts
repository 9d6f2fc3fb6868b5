/**
 * The storage seam (spec 3.5, trimmed): everything the database layer and sync need from a
 * store of entries. `@eidetica/core` ships {@link MemoryBackend}; `@eidetica/storage-sqlite`
 * ships a persistent one. Both pass `runBackendConformance` from `@eidetica/core/testing`.
 */
import type { Entry } from "../entry/entry.js";
import type { ID } from "../id/id.js";

/** Brand of every {@link Backend}, checked by {@link isBackend} rather than `instanceof`. */
export const BACKEND_BRAND: unique symbol = Symbol.for("eidetica.backend") as never;

/**
 * How far an entry has been checked (spec 3.4; persisted codes 0, 1, 2). With verify before
 * visible, the database layer only ever stores `"verified"` entries; the status is kept for
 * compatibility with Eidetica's stores and for repairs.
 */
export type VerificationStatus = "verified" | "failed" | "unverified";

/** The persisted integer code of each {@link VerificationStatus}, as in Eidetica. */
export const VERIFICATION_CODES: Readonly<Record<VerificationStatus, number>> = Object.freeze({
  verified: 0,
  failed: 1,
  unverified: 2,
});

/** Options of {@link Backend.ancestors}. */
export interface AncestorsOptions {
  /** Follow this store's parents (and order by store height) instead of the main DAG. */
  readonly store?: string;
  /** Leave out these entries and all their ancestors (in the same DAG). */
  readonly exclude?: readonly ID[];
}

/** The two instance records a backend keeps: public metadata and secrets, each JSON text. */
export type InstanceRecordKind = "metadata" | "secrets";

/**
 * A store of entries with their tips. Every method is async; implementations must make
 * {@link Backend.putEntries} atomic (all of a batch or nothing) and idempotent.
 *
 * Tips are exact whatever order entries arrive in: an entry stored before its parent never
 * makes the parent a tip.
 */
export interface Backend {
  readonly [BACKEND_BRAND]: true;

  /**
   * Stores entries atomically: all of them or, if anything fails, none. Entries already held
   * are skipped. Returns the IDs newly stored, in input order.
   */
  putEntries(entries: readonly Entry[], status?: VerificationStatus): Promise<ID[]>;
  /** The entry with this ID, if held. */
  getEntry(id: ID): Promise<Entry | undefined>;
  /** The entries with these IDs, `undefined` where not held, in input order. */
  getEntries(ids: readonly ID[]): Promise<(Entry | undefined)[]>;
  /** True if the entry is held. */
  hasEntry(id: ID): Promise<boolean>;
  /** The verification status of a held entry. */
  getStatus(id: ID): Promise<VerificationStatus | undefined>;
  /** Changes the verification status of a held entry. */
  setStatus(id: ID, status: VerificationStatus): Promise<void>;

  /** Entries of database `tree` with no child in it, sorted by ID. */
  treeTips(tree: ID): Promise<ID[]>;
  /** Entries of `tree` taking part in `store` that are no other such entry's store parent, sorted. */
  storeTips(tree: ID, store: string): Promise<ID[]>;
  /** IDs of every root entry held, sorted. */
  allRoots(): Promise<ID[]>;
  /** Number of entries held for `tree`. */
  countEntries(tree: ID): Promise<number>;
  /**
   * The entries reachable from `from` (inclusive) inside `tree`, through main parents or a
   * store's parents, minus `exclude` and its ancestors; sorted by (height, ID), using store
   * heights when a store is given. Entries not held are skipped.
   */
  ancestors(tree: ID, from: readonly ID[], options?: AncestorsOptions): Promise<Entry[]>;

  /** A cached CRDT state (JSON text) under a key built by the database layer. */
  getCachedState(key: string): Promise<string | undefined>;
  /** Caches a CRDT state; a backend may drop cached states at any time. */
  putCachedState(key: string, state: string): Promise<void>;

  /** The instance's metadata or secrets record (JSON text), if set. */
  getInstanceRecord(kind: InstanceRecordKind): Promise<string | undefined>;
  /** Sets the instance's metadata or secrets record. */
  putInstanceRecord(kind: InstanceRecordKind, json: string): Promise<void>;

  /**
   * Optional: rewrites the stored bytes of an entry whose stored copy is corrupted
   * (`StorageCorruptedError`) with a good copy of the same entry. Ingest calls it when a peer
   * sends an entry again, so a corrupted row heals from the network. Returns false if the entry
   * is not stored.
   */
  repairEntry?(entry: Entry): Promise<boolean>;

  /** Releases resources; the backend is unusable afterwards. */
  close(): Promise<void>;
}

/** True if `value` is a {@link Backend} from any copy of @eidetica/core. */
export function isBackend(value: unknown): value is Backend {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BACKEND_BRAND] === true;
}
