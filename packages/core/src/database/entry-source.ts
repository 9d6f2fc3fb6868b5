/**
 * Where the database layer reads entries from: the backend, optionally overlaid with entries
 * accepted in a batch that is not written yet.
 */
import type { Backend } from "../backend/backend.js";
import type { Entry } from "../entry/entry.js";
import type { ID } from "../id/id.js";

/** Reads entries by ID. */
export interface EntrySource {
  getEntry(id: ID): Promise<Entry | undefined>;
}

/** A source that looks in `staged` first, then in the backend. */
export function overlaySource(backend: Backend, staged: ReadonlyMap<ID, Entry>): EntrySource {
  return {
    async getEntry(id: ID): Promise<Entry | undefined> {
      return staged.get(id) ?? (await backend.getEntry(id));
    },
  };
}
