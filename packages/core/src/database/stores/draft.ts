/** @internal The staged state of one store inside a transaction. */
import { Doc } from "../../crdt/doc.js";
import { InvalidStateError } from "../../errors/errors.js";
import type { Random } from "../../util/random.js";

/** @internal A store's state at the transaction's parents plus the transaction's own changes. */
export class StoreDraft {
  readonly name: string;
  readonly base: Doc;
  readonly readOnly: boolean;
  readonly random: Random;
  #delta = new Doc();
  #full: Doc | undefined;

  constructor(name: string, base: Doc, readOnly: boolean, random: Random) {
    this.name = name;
    this.base = base;
    this.readOnly = readOnly;
    this.random = random;
  }

  /** Only this transaction's changes: what the entry will carry. */
  get delta(): Doc {
    return this.#delta;
  }

  /** The state as this transaction sees it: the base with the changes applied after it. */
  get full(): Doc {
    this.#full ??= this.base.merge(this.#delta);
    return this.#full;
  }

  /** True once the transaction changed anything in this store (tombstones count). */
  get changed(): boolean {
    return this.#delta.rawEntries().length > 0;
  }

  /** Applies a change to the delta. */
  update(change: (delta: Doc) => Doc): void {
    if (this.readOnly) throw new InvalidStateError(`store ${this.name} is a read-only view`);
    this.#delta = change(this.#delta);
    this.#full = undefined;
  }
}
