/**
 * A {@link Backend} wrapper for F12 tests that makes chosen `putEntries` calls fail with a
 * *simulated* `SQLITE_IOERR` (SQLite has no hook to raise a real one on demand). The failing
 * call throws before reaching the wrapped backend, as SQLite does after rolling the
 * transaction back, so the file is untouched; every other call is passed through.
 */
import {
  BACKEND_BRAND,
  StorageError,
  type AncestorsOptions,
  type Backend,
  type Entry,
  type ID,
  type InstanceRecordKind,
  type VerificationStatus,
} from "@eidetica/core";

export class IoErrorBackend implements Backend {
  readonly [BACKEND_BRAND] = true as const;
  /** `putEntries` calls so far, failed ones included. */
  putCalls = 0;
  /** `putEntries` calls that were made to fail. */
  failures = 0;
  readonly #inner: Backend;
  readonly #failing: Set<number>;

  /** Fails the `putEntries` calls whose 1-based numbers are in `failing`. */
  constructor(inner: Backend, failing: Iterable<number>) {
    this.#inner = inner;
    this.#failing = new Set(failing);
  }

  async putEntries(entries: readonly Entry[], status?: VerificationStatus): Promise<ID[]> {
    this.putCalls++;
    if (this.#failing.has(this.putCalls)) {
      this.failures++;
      throw new StorageError("storing entries failed with SQLITE_IOERR (simulated)", "SQLITE_IOERR");
    }
    return this.#inner.putEntries(entries, status);
  }

  getEntry(id: ID): Promise<Entry | undefined> {
    return this.#inner.getEntry(id);
  }

  getEntries(ids: readonly ID[]): Promise<(Entry | undefined)[]> {
    return this.#inner.getEntries(ids);
  }

  hasEntry(id: ID): Promise<boolean> {
    return this.#inner.hasEntry(id);
  }

  getStatus(id: ID): Promise<VerificationStatus | undefined> {
    return this.#inner.getStatus(id);
  }

  setStatus(id: ID, status: VerificationStatus): Promise<void> {
    return this.#inner.setStatus(id, status);
  }

  treeTips(tree: ID): Promise<ID[]> {
    return this.#inner.treeTips(tree);
  }

  storeTips(tree: ID, store: string): Promise<ID[]> {
    return this.#inner.storeTips(tree, store);
  }

  allRoots(): Promise<ID[]> {
    return this.#inner.allRoots();
  }

  countEntries(tree: ID): Promise<number> {
    return this.#inner.countEntries(tree);
  }

  ancestors(tree: ID, from: readonly ID[], options?: AncestorsOptions): Promise<Entry[]> {
    return this.#inner.ancestors(tree, from, options);
  }

  getCachedState(key: string): Promise<string | undefined> {
    return this.#inner.getCachedState(key);
  }

  putCachedState(key: string, state: string): Promise<void> {
    return this.#inner.putCachedState(key, state);
  }

  getInstanceRecord(kind: InstanceRecordKind): Promise<string | undefined> {
    return this.#inner.getInstanceRecord(kind);
  }

  putInstanceRecord(kind: InstanceRecordKind, json: string): Promise<void> {
    return this.#inner.putInstanceRecord(kind, json);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
