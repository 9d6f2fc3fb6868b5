/**
 * {@link InstanceMetadata}: the instance's public metadata record (spec 3.1 `InstanceMetadata`),
 * one JSON object in the backend, read once and written whole under a lock so that fields set
 * by different packages (core's incomplete databases, the peer store's `sync_db`) never
 * overwrite each other.
 */
import type { Backend } from "../backend/backend.js";
import { InvalidPathError, MalformedError } from "../errors/errors.js";
import type { ID } from "../id/id.js";
import { isJsonObject, type JsonObject } from "../util/shape.js";
import { Mutex } from "../util/mutex.js";

/** A JSON value that can be stored in the metadata record. */
export type MetadataValue = null | boolean | number | string | readonly MetadataValue[] | { readonly [key: string]: MetadataValue };

/** The field core keeps the incomplete databases in. */
const INCOMPLETE = "incomplete_databases";
/** Fields only core writes. */
const RESERVED = new Set(["id", INCOMPLETE]);

/** @internal The metadata record of one instance, cached after the first read. */
export class InstanceMetadata {
  readonly #backend: Backend;
  readonly #lock = new Mutex();
  #record: JsonObject;
  #incomplete: Set<ID>;

  private constructor(backend: Backend, record: JsonObject) {
    this.#backend = backend;
    this.#record = record;
    const listed = record[INCOMPLETE];
    this.#incomplete = new Set(Array.isArray(listed) ? listed.filter((id): id is ID => typeof id === "string") : []);
  }

  /**
   * Reads the record (an absent record reads as `{}`).
   * @throws {MalformedError} if it is not a JSON object.
   */
  static async load(backend: Backend): Promise<InstanceMetadata> {
    const text = await backend.getInstanceRecord("metadata");
    if (text === undefined) return new InstanceMetadata(backend, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new MalformedError("instance metadata is not JSON", "metadata", { cause: error });
    }
    if (!isJsonObject(parsed)) throw new MalformedError("instance metadata is not a JSON object", "metadata");
    return new InstanceMetadata(backend, parsed);
  }

  /** A field's value, or undefined. */
  get(field: string): unknown {
    return this.#record[field];
  }

  /**
   * Sets (or with `undefined`, removes) a field and writes the record.
   * @throws {InvalidPathError} for a field core reserves (`id`, `incomplete_databases`).
   */
  async set(field: string, value: MetadataValue | undefined): Promise<void> {
    if (RESERVED.has(field)) throw new InvalidPathError(`metadata field ${field} is reserved by @eidetica/core`);
    await this.#write((record) => {
      if (value === undefined) delete record[field];
      else record[field] = value;
    });
  }

  /** True if database `id` is marked incomplete. */
  isIncomplete(id: ID): boolean {
    return this.#incomplete.has(id);
  }

  /** Every database marked incomplete, sorted. */
  incomplete(): ID[] {
    return [...this.#incomplete].sort();
  }

  /** Marks or unmarks database `id` incomplete, writing the record only if that changes it. */
  async markIncomplete(id: ID, incomplete: boolean): Promise<void> {
    await this.#lock.run(async () => {
      if (this.#incomplete.has(id) === incomplete) return;
      const next = new Set(this.#incomplete);
      if (incomplete) next.add(id);
      else next.delete(id);
      await this.#store({ ...this.#record, [INCOMPLETE]: [...next].sort() });
      this.#incomplete = next;
    });
  }

  async #write(change: (record: Record<string, unknown>) => void): Promise<void> {
    await this.#lock.run(async () => {
      const next: Record<string, unknown> = { ...this.#record };
      change(next);
      await this.#store(next as JsonObject);
    });
  }

  // The cached copy changes only once the backend has the new record.
  async #store(next: JsonObject): Promise<void> {
    await this.#backend.putInstanceRecord("metadata", JSON.stringify(next));
    this.#record = next;
  }
}
