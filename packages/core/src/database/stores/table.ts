/**
 * {@link Table} (`table:v0`, spec 2.6): typed rows under generated UUID keys. Each row is the
 * JSON of the row as a Text value, so a row is replaced whole (last writer wins).
 */
import { InvalidPathError, MalformedError, ValidationError } from "../../errors/errors.js";
import { randomUuidV4 } from "../../util/random.js";
import type { StoreDraft } from "./draft.js";

/** The type ID written to `_index` for a Table. */
export const TABLE_TYPE = "table:v0";

/** Options of a {@link Table}. */
export interface TableOptions<T> {
  /**
   * Checks a row (on every write and every read) and returns it typed; throws to refuse it.
   * Without it rows are trusted to be `T`.
   */
  readonly validate?: (value: unknown) => T;
}

/**
 * A table inside a transaction.
 *
 * @example
 * ```ts
 * interface User { name: string; age: number }
 * const users = await txn.table<User>("users", { validate: parseUser });
 * const key = users.insert({ name: "Ada", age: 36 });
 * users.get(key)?.name; // "Ada"
 * ```
 */
export class Table<T> {
  readonly #draft: StoreDraft;
  readonly #validate: ((value: unknown) => T) | undefined;

  /** @internal Use `txn.table(name)`. */
  constructor(draft: StoreDraft, options: TableOptions<T> = {}) {
    this.#draft = draft;
    this.#validate = options.validate;
  }

  /** The store name. */
  get name(): string {
    return this.#draft.name;
  }

  #check(value: unknown, key: string): T {
    if (this.#validate === undefined) return value as T;
    try {
      return this.#validate(value);
    } catch (error) {
      throw new ValidationError(`row ${key} of table ${this.name} does not match its schema`, { cause: error });
    }
  }

  #read(key: string, text: string): T {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MalformedError("row is not JSON", `${this.name}.${key}`, { cause: error });
    }
    return this.#check(value, key);
  }

  /** Adds a row under a new random key and returns the key. */
  insert(row: T): string {
    const key = randomUuidV4(this.#draft.random);
    this.set(key, row);
    return key;
  }

  /** The row under `key`, if any. */
  get(key: string): T | undefined {
    const text = this.#draft.full.getText(checkKey(key));
    return text === undefined ? undefined : this.#read(key, text);
  }

  /** Writes a row under `key`, replacing any row there. */
  set(key: string, row: T): void {
    const checked = this.#check(row, key);
    const text = JSON.stringify(checked);
    if (text === undefined) throw new ValidationError(`row ${key} cannot be written as JSON`);
    this.#draft.update((delta) => delta.set(checkKey(key), text));
  }

  /** Deletes the row under `key`; false if there was none. */
  delete(key: string): boolean {
    if (this.#draft.full.getText(checkKey(key)) === undefined) return false;
    this.#draft.update((delta) => delta.delete(key));
    return true;
  }

  /** Every row as `[key, row]`, sorted by key. */
  all(): [string, T][] {
    const rows: [string, T][] = [];
    for (const [key, value] of this.#draft.full.entries()) {
      if (typeof value === "string") rows.push([key, this.#read(key, value)]);
    }
    return rows;
  }

  /** The rows for which `predicate` holds. */
  search(predicate: (row: T, key: string) => boolean): [string, T][] {
    return this.all().filter(([key, row]) => predicate(row, key));
  }
}

function checkKey(key: string): string {
  if (key.length === 0 || key.includes(".")) throw new InvalidPathError(`a table key must be non-empty and without dots: ${JSON.stringify(key)}`);
  return key;
}
