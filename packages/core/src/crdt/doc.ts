/**
 * The CRDT document: Rust's `crdt::Doc`, a tree of keyed values with last-writer-wins merge.
 *
 * @module
 */

import { CrdtTypeMismatchError, InvalidPathError, LimitExceededError, MalformedError } from "../errors/errors.js";
import { LIMITS } from "../limits.js";
import { compareUtf8 } from "../util/bytes.js";
import { parseJsonLimited } from "../util/json-limits.js";
import { type Random, systemRandom } from "../util/random.js";
import { type PlainValue, type ValueInput, checkValue, toPlain, toValue } from "./convert.js";
import { List } from "./list.js";
import { mergeValues } from "./merge.js";
import { parseListIndex, pathComponents } from "./path.js";
import {
  DELETED,
  type LiveValue,
  type Value,
  isDeleted,
  isWellFormedText,
  valueJsonDepth,
  valueKind,
  valuesEqual,
} from "./value.js";

/** Options of {@link Doc.from}. */
export interface DocOptions {
  /** Make the document atomic (see {@link Doc.isAtomic}). Default `false`. */
  readonly atomic?: boolean;
  /** Source of UUIDs for the positions of arrays converted to lists. Default `systemRandom`. */
  readonly random?: Random;
}

/**
 * An immutable CRDT document: string keys mapped to {@link Value}s, merged key by key with
 * last-writer-wins (Rust's `Doc`). Every method that changes a document returns a new one and
 * leaves the original untouched, sharing unchanged subtrees.
 *
 * Keys can be dotted paths (`"user.profile.name"`; see `pathComponents`). A deleted key keeps
 * a tombstone, hidden from `get`, `has`, `size` and iteration but visible to
 * {@link Doc.isTombstone} and {@link Doc.rawEntries}, so that the deletion wins over older
 * writes when documents merge.
 *
 * Every document is at most `LIMITS.jsonDepth` (64) levels deep in its JSON form (about 21
 * nested docs); building a deeper one throws a {@link LimitExceededError}.
 *
 * @example
 * ```ts
 * const alice = Doc.from({ name: "Alice", age: 30 }).set("user.profile.bio", "Developer");
 * alice.getText("name");             // "Alice"
 * alice.getText("user.profile.bio"); // "Developer"
 *
 * const later = new Doc().set("name", "Bob").delete("age");
 * const merged = alice.merge(later); // `later` is the later write
 * merged.getText("name");            // "Bob"
 * merged.get("age");                 // undefined
 * merged.isTombstone("age");         // true
 * docToJson(merged); // {"children":{"age":"Deleted","name":{"Text":"Bob"},"user":{"Doc":…}}}
 * ```
 */
export class Doc {
  #children: ReadonlyMap<string, Value> = new Map();
  #atomic = false;
  #depth = 2;
  #live = 0;
  #sortedKeys: readonly string[] | undefined;

  /** Always `"Doc"`. */
  get kind(): "Doc" {
    return "Doc";
  }

  /**
   * True if this document merges as a unit: when it is the later side of a merge it replaces
   * the earlier document whole, and when it is the earlier side the result stays atomic
   * (the flag is "contagious", which keeps merge associative). JSON field `_a`.
   */
  get isAtomic(): boolean {
    return this.#atomic;
  }

  /** Depth of this document's serde JSON form (`{"children":{}}` is 2); at most 64. */
  get jsonDepth(): number {
    return this.#depth;
  }

  /** Number of keys, tombstones excluded (Rust's `len`). */
  get size(): number {
    return this.#live;
  }

  /** An empty atomic document (Rust's `Doc::atomic`). */
  static atomic(): Doc {
    return Doc.#make(new Map(), true);
  }

  /**
   * A document from a plain object; see {@link ValueInput} for how values convert. A dotted
   * property name is a path, as in Rust's `FromIterator for Doc`.
   */
  static from(object: { readonly [key: string]: ValueInput }, options: DocOptions = {}): Doc {
    const doc = toValue(object, options.random ?? systemRandom);
    if (!(doc instanceof Doc)) throw new MalformedError("Doc.from needs a plain object");
    return options.atomic === true ? Doc.#make(new Map(doc.#children), true) : doc;
  }

  /**
   * A document from literal keys and {@link Value}s, as serde reads `children`: keys are not
   * split on dots, tombstones are kept, and a repeated key keeps its last value.
   *
   * @throws {@link MalformedError} if a key or value is invalid.
   */
  static fromEntries(entries: Iterable<readonly [string, Value]>, options: { readonly atomic?: boolean } = {}): Doc {
    const children = new Map<string, Value>();
    for (const [key, value] of entries) {
      if (typeof key !== "string" || !isWellFormedText(key))
        throw new MalformedError("keys must be well-formed strings");
      children.set(key, checkValue(value));
    }
    return Doc.#make(children, options.atomic === true);
  }

  static #make(children: ReadonlyMap<string, Value>, atomic: boolean): Doc {
    let live = 0;
    let deepest = 0;
    for (const value of children.values()) {
      if (value !== DELETED) live++;
      deepest = Math.max(deepest, valueJsonDepth(value));
    }
    const depth = 2 + deepest;
    if (depth > LIMITS.jsonDepth) throw new LimitExceededError("jsonDepth", LIMITS.jsonDepth, depth);
    const doc = new Doc();
    doc.#children = children;
    doc.#atomic = atomic;
    doc.#depth = depth;
    doc.#live = live;
    return doc;
  }

  /** True if the document has no keys other than tombstones. */
  isEmpty(): boolean {
    return this.#live === 0;
  }

  /**
   * The value at a key or dotted path, or `undefined` if it is missing or a tombstone. A path
   * component that meets a {@link List} indexes its live items (`"tags.0"`).
   */
  get(path: string): LiveValue | undefined {
    const value = this.#raw(path);
    return isDeleted(value) ? undefined : value;
  }

  /** True if {@link Doc.get} finds a value (Rust's `contains_key`). */
  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /**
   * True if exactly this path holds a tombstone. A path under a deleted parent is not itself a
   * tombstone (it is simply unreachable).
   */
  isTombstone(path: string): boolean {
    return this.#raw(path) === DELETED;
  }

  /** The Text at `path`, or `undefined` if it is missing or not Text. */
  getText(path: string): string | undefined {
    return ofType(this.get(path), (v): v is string => typeof v === "string");
  }

  /** The Int at `path`, or `undefined` if it is missing or not an Int. */
  getInt(path: string): number | undefined {
    return ofType(this.get(path), (v): v is number => typeof v === "number");
  }

  /** The Bool at `path`, or `undefined` if it is missing or not a Bool. */
  getBool(path: string): boolean | undefined {
    return ofType(this.get(path), (v): v is boolean => typeof v === "boolean");
  }

  /** The nested Doc at `path`, or `undefined` if it is missing or not a Doc. */
  getDoc(path: string): Doc | undefined {
    return ofType(this.get(path), (v): v is Doc => v instanceof Doc);
  }

  /** The List at `path`, or `undefined` if it is missing or not a List. */
  getList(path: string): List | undefined {
    return ofType(this.get(path), (v): v is List => v instanceof List);
  }

  /**
   * Parses the JSON held in the Text at `path` (Rust's `get_json`), e.g. the
   * `_settings.height_strategy` value `"\"timestamp\""`.
   *
   * @returns The parsed value, or `undefined` if the path is missing.
   * @throws {@link CrdtTypeMismatchError} if the value is not Text.
   * @throws {@link MalformedError} / {@link LimitExceededError} if the text is not JSON or is
   *   nested deeper than `LIMITS.jsonDepth`.
   */
  getJson(path: string): unknown {
    const value = this.get(path);
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      throw new CrdtTypeMismatchError(`expected Text holding JSON at "${path}", found ${valueKind(value)}`);
    }
    return parseJsonLimited(value);
  }

  /**
   * Sets a key or dotted path (Rust's `set`). Missing intermediate documents are created, and
   * anything else in the way (a scalar, a list, a tombstone) is replaced by an empty document.
   * Setting {@link DELETED} is the same as {@link Doc.delete}.
   *
   * @param random - Source of UUIDs if `value` contains arrays.
   * @throws {@link InvalidPathError} if the path is only dots (Rust silently ignores such a
   *   write).
   * @throws {@link LimitExceededError} if the result would be deeper than `LIMITS.jsonDepth`.
   */
  set(path: string, value: ValueInput, random: Random = systemRandom): Doc {
    const segments = pathComponents(path);
    if (segments.length === 0) throw new InvalidPathError(`path "${path}" has no components`);
    if (!isWellFormedText(path)) throw new MalformedError("path contains a lone surrogate");
    const item = toValue(value, random);
    const minDepth = 2 + 3 * (segments.length - 1) + valueJsonDepth(item);
    if (minDepth > LIMITS.jsonDepth) throw new LimitExceededError("jsonDepth", LIMITS.jsonDepth, minDepth);
    const chain: Doc[] = [this];
    let parent: Doc = this;
    for (const segment of segments.slice(0, -1)) {
      const child = parent.#children.get(segment);
      parent = child instanceof Doc ? child : EMPTY;
      chain.push(parent);
    }
    let result: Value = item;
    for (let i = segments.length - 1; i >= 0; i--) result = (chain[i] ?? EMPTY).#with(segments[i] ?? "", result);
    return result as Doc;
  }

  /** Stores `JSON.stringify(value)` as Text at `path` (Rust's `set_json`). */
  setJson(path: string, value: unknown): Doc {
    const text: unknown = JSON.stringify(value);
    if (typeof text !== "string") throw new MalformedError("value has no JSON form");
    return this.set(path, text);
  }

  /**
   * Deletes a key or dotted path by writing a tombstone (Rust's `remove`). Like `set`, it
   * creates the intermediate documents, so the deletion is recorded even for a missing path.
   */
  delete(path: string): Doc {
    return this.set(path, DELETED);
  }

  /** Keys in code-point order (the byte order of their UTF-8), tombstones excluded. */
  keys(): string[] {
    return this.#sorted().filter((key) => this.#children.get(key) !== DELETED);
  }

  /** Values in key order, tombstones excluded. */
  values(): LiveValue[] {
    return this.entries().map(([, value]) => value);
  }

  /** `[key, value]` pairs in key order, tombstones excluded. */
  entries(): [string, LiveValue][] {
    return this.rawEntries().filter((entry): entry is [string, LiveValue] => entry[1] !== DELETED);
  }

  /** Every `[key, value]` pair in code-point order of keys, tombstones included. */
  rawEntries(): [string, Value][] {
    return this.#sorted().map((key) => [key, this.#children.get(key) as Value]);
  }

  /**
   * Merges `other`, the later write, into this document and returns the result (Rust's
   * `Doc::merge`): if `other` is atomic the result is `other`; otherwise this document's keys
   * and atomic flag, with each key of `other` merged in by the rules of `mergeValues`.
   */
  merge(other: Doc): Doc {
    if (other.#atomic) return other;
    if (other.#children.size === 0) return this;
    const children = new Map(this.#children);
    for (const [key, value] of other.#children) {
      const mine = children.get(key);
      children.set(key, mine === undefined ? value : mergeValues(mine, value));
    }
    return Doc.#make(children, this.#atomic);
  }

  /**
   * The left fold `this.merge(later[0]).merge(later[1])…`, built in one copy of the keys
   * instead of one per merge: folding n writes into a document of m keys costs O(m + the
   * writes' keys), not O(n·m). The result equals the step-by-step fold.
   */
  mergeAll(later: Iterable<Doc>): Doc {
    let source: Doc = this; // the fold so far, while `children` is not copied yet
    let children: Map<string, Value> | undefined;
    let atomic = this.#atomic;
    for (const other of later) {
      if (other.#atomic) {
        // The later side replaces the fold whole (see `merge`).
        source = other;
        children = undefined;
        atomic = true;
        continue;
      }
      if (other.#children.size === 0) continue;
      children ??= new Map(source.#children);
      for (const [key, value] of other.#children) {
        const mine = children.get(key);
        children.set(key, mine === undefined ? value : mergeValues(mine, value));
      }
    }
    return children === undefined ? source : Doc.#make(children, atomic);
  }

  /** Structural equality, tombstones and atomic flags included (Rust's `PartialEq`). */
  equals(other: Doc): boolean {
    if (this === other) return true;
    if (this.#atomic !== other.#atomic || this.#children.size !== other.#children.size) return false;
    for (const [key, value] of this.#children) {
      const theirs = other.#children.get(key);
      if (theirs === undefined || !valuesEqual(value, theirs)) return false;
    }
    return true;
  }

  /** The live content as a plain object (Rust's `to_json_string`, as data). */
  toPlain(): { [key: string]: PlainValue } {
    return Object.fromEntries(this.entries().map(([key, value]) => [key, toPlain(value)]));
  }

  /** Same as {@link Doc.toPlain}, so `JSON.stringify(doc)` shows the live content. */
  toJSON(): { [key: string]: PlainValue } {
    return this.toPlain();
  }

  #raw(path: string): Value | undefined {
    const segments = pathComponents(path);
    let current: Value | undefined = segments.length === 0 ? undefined : this;
    for (const segment of segments) {
      if (current instanceof Doc) current = current.#children.get(segment);
      else if (current instanceof List) {
        const index = parseListIndex(segment);
        current = index === undefined ? undefined : current.get(index);
      } else return undefined;
    }
    return current;
  }

  #with(key: string, value: Value): Doc {
    const children = new Map(this.#children);
    children.set(key, value);
    return Doc.#make(children, this.#atomic);
  }

  #sorted(): readonly string[] {
    this.#sortedKeys ??= [...this.#children.keys()].sort(compareUtf8);
    return this.#sortedKeys;
  }
}

const EMPTY = new Doc();

function ofType<T extends LiveValue>(value: LiveValue | undefined, is: (v: LiveValue) => v is T): T | undefined {
  return value !== undefined && is(value) ? value : undefined;
}
