/**
 * The immutable {@link Entry}: a checked set of fields with its canonical encoding and its ID.
 */
import { IdMismatchError, LimitExceededError } from "../errors/errors.js";
import { idFromDagCbor, type ID } from "../id/id.js";
import { LIMITS } from "../limits.js";
import { encodeEntryCbor } from "./canonical.js";
import { checkEntryStructure } from "./structure.js";
import { ROOT_STORE, type EntryFields, type SigInfo, type SubTreeNode, type TreeNode } from "./types.js";

/** How many entries' signing bytes are kept (more than one batch holds). */
const SIGNING_CACHE = 16_384;
/**
 * Signing bytes of the entries asked last. Held weakly: the cache never keeps an entry alive
 * (a long-running node would otherwise pin its last 16,384 entries), and a ring of weak
 * references bounds how many entries keep their bytes while they live.
 */
const signingCache = new WeakMap<Entry, Uint8Array>();
const signingRing: (WeakRef<Entry> | undefined)[] = new Array(SIGNING_CACHE);
let signingNext = 0;

function rememberSigningBytes(entry: Entry, bytes: Uint8Array): void {
  const evicted = signingRing[signingNext]?.deref();
  if (evicted !== undefined) signingCache.delete(evicted);
  signingRing[signingNext] = new WeakRef(entry);
  signingNext = (signingNext + 1) % SIGNING_CACHE;
  signingCache.set(entry, bytes);
}

/**
 * A structurally valid entry in canonical form. Build one with {@link EntryBuilder}, or decode
 * one with {@link decodeWireEntry} or {@link decodeEntryCbor}; sign it with {@link signEntry}.
 *
 * The ID is computed from the content on first use and never taken from anywhere else.
 *
 * @example
 * ```ts
 * const entry = new EntryBuilder(rootId).parents([tipId]).storeData("notes", data).build();
 * entry.id;          // "bafyr4i…"
 * entry.storeData("notes");
 * ```
 */
export class Entry implements EntryFields {
  readonly tree: TreeNode;
  readonly subtrees: readonly SubTreeNode[];
  readonly sig: SigInfo;
  readonly #bytes: Uint8Array;
  #id: ID | undefined;

  private constructor(fields: EntryFields, bytes: Uint8Array) {
    this.tree = fields.tree;
    this.subtrees = fields.subtrees;
    this.sig = fields.sig;
    this.#bytes = bytes;
  }

  /**
   * Checks fields that are already in canonical form and makes them an entry.
   * The fields must not be changed afterwards; {@link EntryBuilder} and the decoders pass
   * fresh objects.
   *
   * @throws {MalformedError} or {@link LimitExceededError} if a structural rule or the entry
   *   size limit ({@link LIMITS.entryBytes}) is broken.
   */
  static fromFields(fields: EntryFields): Entry {
    checkEntryStructure(fields);
    const bytes = encodeEntryCbor(fields, true);
    if (bytes.length > LIMITS.entryBytes) {
      throw new LimitExceededError("entryBytes", LIMITS.entryBytes, bytes.length);
    }
    return new Entry(fields, bytes);
  }

  /** The content ID: CIDv1 (dag-cbor, BLAKE3-256) of {@link Entry.encode}, as `bafyr4i…`. */
  get id(): ID {
    this.#id ??= idFromDagCbor(this.#bytes);
    return this.#id;
  }

  /** The canonical DAG-CBOR encoding, signature included. Do not modify the returned bytes. */
  encode(): Uint8Array {
    return this.#bytes;
  }

  /** Size of the canonical encoding in bytes. */
  get encodedLength(): number {
    return this.#bytes.length;
  }

  /**
   * The bytes an Ed25519 signature covers: the canonical encoding without `sig.sig`. Kept for
   * the entries asked last (verification asks twice when a batch is checked ahead of ingest).
   * Do not modify the returned bytes.
   */
  signingBytes(): Uint8Array {
    if (this.sig.sig === undefined) return this.#bytes;
    let bytes = signingCache.get(this);
    if (bytes === undefined) {
      bytes = encodeEntryCbor(this, false);
      rememberSigningBytes(this, bytes);
    }
    return bytes;
  }

  /** True for the root entry of a database: it has a `_root` store and no parents or root. */
  get isRoot(): boolean {
    return this.tree.root === undefined;
  }

  /** The ID of this entry's database: `tree.root`, or this entry's own ID for a root. */
  get rootId(): ID {
    return this.tree.root ?? this.id;
  }

  /** Main-DAG parents, sorted. */
  get parents(): readonly ID[] {
    return this.tree.parents;
  }

  /** Main-DAG height. */
  get height(): number {
    return this.tree.h;
  }

  /** True if the entry belongs to database `treeId` (it is the root or names it). */
  inTree(treeId: ID): boolean {
    return this.tree.root === undefined ? this.id === treeId : this.tree.root === treeId;
  }

  /** Names of the stores this entry takes part in, sorted, `_root` excluded. */
  storeNames(): string[] {
    const names: string[] = [];
    for (const subtree of this.subtrees) if (subtree.name !== ROOT_STORE) names.push(subtree.name);
    return names;
  }

  /** This entry's part of store `name`, if it takes part in it. */
  store(name: string): SubTreeNode | undefined {
    for (const subtree of this.subtrees) if (subtree.name === name) return subtree;
    return undefined;
  }

  /** True if the entry takes part in store `name`. */
  hasStore(name: string): boolean {
    return this.store(name) !== undefined;
  }

  /** The data this entry writes to store `name`, if any. */
  storeData(name: string): Uint8Array | undefined {
    return this.store(name)?.data;
  }

  /** Parents of this entry within store `name` (empty if it does not take part in it). */
  storeParents(name: string): readonly ID[] {
    return this.store(name)?.parents ?? [];
  }

  /** Height of this entry within store `name`: its own `h`, or the tree height. */
  storeHeight(name: string): number {
    return this.store(name)?.h ?? this.tree.h;
  }

  /** The same entry with other signature information (a new entry, a new ID). */
  withSigInfo(sig: SigInfo): Entry {
    return Entry.fromFields({ tree: this.tree, subtrees: this.subtrees, sig });
  }
}

/**
 * Checks that an ID someone claims for an entry is the ID of its content.
 * @throws {IdMismatchError} if it is not.
 */
export function checkEntryId(entry: Entry, claimed: ID): void {
  if (entry.id !== claimed) throw new IdMismatchError(claimed, entry.id);
}
