/**
 * {@link SyncTables}: the `_sync` database as a set of keyed tables with an in-memory mirror.
 * Reads come from the mirror (exact, since this is the only writer of `_sync`); a write is
 * one transaction of row changes, computed from the mirror under a lock so read-modify-write
 * never loses an update, committed to `_sync` (durable when the backend is), then applied to
 * the mirror. A write that changes nothing commits nothing.
 */
import { Mutex, type Database } from "@eidetica/core";
import { banRow, cursorRow, jsonRow, peerRow, relationshipRow, requestRow, retryRow, settingsRow, type RowCodec } from "./rows.js";

/** The tables (stores of `_sync`) and the codec of their rows. */
export const TABLES = {
  peers: peerRow,
  relationships: relationshipRow,
  cursors: cursorRow,
  retries: retryRow,
  bootstrap_requests: requestRow,
  databases: settingsRow,
  transports: jsonRow,
  bans: banRow,
} as const;

/** A table name. */
export type TableName = keyof typeof TABLES;
/** The record type of a table. */
export type RecordOf<N extends TableName> = (typeof TABLES)[N] extends RowCodec<infer T> ? T : never;

/** One row change: a new value, or `undefined` to delete the row. */
export interface RowWrite {
  readonly table: TableName;
  readonly key: string;
  readonly value: unknown;
}

/** A row change of table `N`, type-checked, its value in the form a restart would read back. */
export function put<N extends TableName>(table: N, key: string, value: RecordOf<N> | undefined): RowWrite & { readonly value: RecordOf<N> } {
  return { table, key, value: value === undefined ? (undefined as never) : canonical(table, value) };
}

/** `value` as a restart would read it back (the same fields in the same order). */
export function canonical<N extends TableName>(table: N, value: RecordOf<N>): RecordOf<N> {
  const codec = TABLES[table] as unknown as RowCodec<RecordOf<N>>;
  return codec.decode(JSON.parse(JSON.stringify(codec.encode(value))), table);
}

/** @internal The tables of one `_sync` database. */
export class SyncTables {
  readonly database: Database;
  /** Rows that could not be read when the store opened (each also passed to `onInvalidRow`). */
  invalidRows = 0;
  readonly #lock = new Mutex();
  readonly #mirrors = new Map<TableName, Map<string, unknown>>();
  /** Each row's encoded JSON, to skip writes that change nothing. */
  readonly #encoded = new Map<TableName, Map<string, string>>();

  private constructor(database: Database) {
    this.database = database;
  }

  /** Reads every table of `database` into memory; unreadable rows are counted and reported. */
  static async load(database: Database, onInvalidRow: (error: unknown) => void): Promise<SyncTables> {
    const tables = new SyncTables(database);
    for (const name of Object.keys(TABLES) as TableName[]) {
      const mirror = new Map<string, unknown>();
      const encoded = new Map<string, string>();
      const state = await database.storeState(name);
      for (const [key, text] of state.entries()) {
        try {
          if (typeof text !== "string") throw new TypeError(`row ${name}.${key} is not a JSON text`);
          mirror.set(key, TABLES[name].decode(JSON.parse(text), `${name}.${key}`));
          encoded.set(key, text);
        } catch (error) {
          tables.invalidRows++;
          onInvalidRow(error);
        }
      }
      tables.#mirrors.set(name, mirror);
      tables.#encoded.set(name, encoded);
    }
    return tables;
  }

  /** The rows of a table (a live view: do not keep it across writes). */
  rows<N extends TableName>(table: N): ReadonlyMap<string, RecordOf<N>> {
    return this.#mirror(table) as ReadonlyMap<string, RecordOf<N>>;
  }

  /** One row of a table. */
  get<N extends TableName>(table: N, key: string): RecordOf<N> | undefined {
    return this.#mirror(table).get(key) as RecordOf<N> | undefined;
  }

  /**
   * Runs `plan` under the write lock: it reads the current rows and returns the row changes to
   * make and a result. The changes are committed as one entry, then applied to the mirror.
   * If the commit fails, nothing changes and the error is thrown.
   */
  async write<R>(plan: () => { readonly writes: readonly RowWrite[]; readonly result: R }): Promise<R> {
    return this.#lock.run(async () => {
      const { writes, result } = plan();
      const changes = writes
        .map((w) => ({ ...w, text: w.value === undefined ? undefined : JSON.stringify(TABLES[w.table].encode(w.value as never)) }))
        .filter((w) => w.text !== this.#encoded.get(w.table)?.get(w.key));
      if (changes.length === 0) return result;
      await this.database.withTransaction(async (txn) => {
        for (const change of changes) {
          const table = await txn.table<unknown>(change.table);
          if (change.text === undefined) table.delete(change.key);
          else table.set(change.key, JSON.parse(change.text));
        }
      });
      for (const change of changes) {
        if (change.text === undefined) {
          this.#mirror(change.table).delete(change.key);
          this.#encoded.get(change.table)?.delete(change.key);
        } else {
          this.#mirror(change.table).set(change.key, change.value);
          this.#encoded.get(change.table)?.set(change.key, change.text);
        }
      }
      return result;
    });
  }

  #mirror(table: TableName): Map<string, unknown> {
    const mirror = this.#mirrors.get(table);
    if (mirror === undefined) throw new RangeError(`unknown table ${table}`);
    return mirror;
  }
}
