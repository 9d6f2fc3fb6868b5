/**
 * The CRDT list: Rust's `crdt::doc::List`, an ordered map from {@link Position} to {@link Value}.
 *
 * @module
 */

import { InvalidPathError, LimitExceededError, MalformedError } from "../errors/errors.js";
import { LIMITS } from "../limits.js";
import { type Random, systemRandom } from "../util/random.js";
import { type PlainValue, type ValueInput, checkValue, toPlain, toValue } from "./convert.js";
import { mergeValues } from "./merge.js";
import { Position, positionForAppend, positionForPrepend, positionForPush } from "./position.js";
import { DELETED, type LiveValue, type Value, valueJsonDepth, valuesEqual } from "./value.js";

/** One slot of a list: its position and its value (which may be the tombstone). */
export type ListEntry = readonly [position: Position, value: Value];

/**
 * An immutable ordered list whose items keep stable {@link Position}s, so that concurrent
 * insertions merge. Methods that change the list return a new `List`.
 *
 * Removing an item leaves a tombstone at its position; indexes, `length` and iteration count
 * live items only. Merging takes the union of positions and merges the values at a shared one.
 *
 * @example
 * ```ts
 * const list = List.from(["a", "c"]).insert(1, "b").remove(0);
 * list.values();       // ["b", "c"]
 * list.totalLength;    // 3: the removed "a" is a tombstone
 * ```
 */
export class List implements Iterable<LiveValue> {
  #entries: readonly ListEntry[] = [];
  #live: readonly number[] = [];
  #depth = 1;

  /** Always `"List"`. */
  get kind(): "List" {
    return "List";
  }

  /** Depth of this list's serde JSON form (`[]` is 1); never more than `LIMITS.jsonDepth`. */
  get jsonDepth(): number {
    return this.#depth;
  }

  /** Number of live items (Rust's `len`). */
  get length(): number {
    return this.#live.length;
  }

  /** Number of slots, tombstones included (Rust's `total_len`). */
  get totalLength(): number {
    return this.#entries.length;
  }

  /**
   * A list from plain values or {@link Value}s, pushed in order: positions `0/1`, `1/1`, `2/1`…
   * (Rust's `FromIterator for List`).
   */
  static from(values: Iterable<ValueInput>, random: Random = systemRandom): List {
    const entries: ListEntry[] = [];
    let n = 0n;
    for (const input of values) {
      const value = toValue(input, random);
      entries.push([Position.create(n, 1n, random), value]);
      n += 1n;
    }
    return List.#make(entries);
  }

  /**
   * A list from explicit slots, in any order (serde's way of reading a list).
   *
   * @throws {@link MalformedError} if two slots share a position (same value and UUID) or a
   *   value is not a {@link Value}.
   */
  static fromEntries(entries: Iterable<readonly [Position, Value]>): List {
    const sorted: ListEntry[] = [];
    for (const [position, value] of entries) sorted.push([position, checkValue(value)]);
    sorted.sort((a, b) => a[0].compare(b[0]));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const next = sorted[i];
      if (prev !== undefined && next !== undefined && prev[0].compare(next[0]) === 0) {
        throw new MalformedError(`duplicate list position ${String(next[0])}`);
      }
    }
    return List.#make(sorted);
  }

  static #make(entries: readonly ListEntry[]): List {
    const list = new List();
    const live: number[] = [];
    let deepest = 1;
    entries.forEach(([, value], i) => {
      if (value !== DELETED) live.push(i);
      deepest = Math.max(deepest, valueJsonDepth(value));
    });
    const depth = entries.length === 0 ? 1 : 2 + deepest;
    if (depth > LIMITS.jsonDepth) throw new LimitExceededError("jsonDepth", LIMITS.jsonDepth, depth);
    list.#entries = entries;
    list.#live = live;
    list.#depth = depth;
    Object.freeze(list);
    return list;
  }

  /** True if there is no live item. (Rust's `is_empty` also counts tombstones.) */
  isEmpty(): boolean {
    return this.#live.length === 0;
  }

  /** The live item at `index`, or `undefined`. */
  get(index: number): LiveValue | undefined {
    const slot = this.#live[index];
    return slot === undefined ? undefined : (this.#entries[slot]?.[1] as LiveValue);
  }

  /** The position of the live item at `index`, or `undefined`. */
  positionAt(index: number): Position | undefined {
    const slot = this.#live[index];
    return slot === undefined ? undefined : this.#entries[slot]?.[0];
  }

  /** The value in the slot at `position` (a tombstone included), or `undefined`. */
  getByPosition(position: Position): Value | undefined {
    const at = this.#find(position);
    return at >= 0 ? this.#entries[at]?.[1] : undefined;
  }

  /** Live items in order. */
  values(): LiveValue[] {
    return this.#live.map((slot) => this.#entries[slot]?.[1] as LiveValue);
  }

  /** Every slot in position order, tombstones included (Rust's `iter_with_positions`). */
  rawEntries(): readonly ListEntry[] {
    return this.#entries;
  }

  /** Iterates over live items. */
  [Symbol.iterator](): Iterator<LiveValue> {
    return this.values()[Symbol.iterator]();
  }

  /**
   * Appends an item after the last slot (tombstones included), at Rust's position
   * `(last.numerator + 1) / 1`; when that would not sort last, at the next integer instead.
   */
  push(value: ValueInput, random: Random = systemRandom): List {
    const last = this.#entries.at(-1);
    const position = last === undefined ? Position.beginning(random) : positionForPush(last[0], random);
    return this.#put(position, toValue(value, random));
  }

  /**
   * Inserts an item so that it becomes the live item at `index` (0 ≤ index ≤ length), with
   * Rust's positions: before the first slot, after the last slot, or {@link Position.between}
   * two neighbours. Rust takes the neighbours from all slots, tombstones included, which puts
   * the item at the wrong index when a tombstone comes earlier; this port then takes the slot
   * just before the live item that must follow.
   *
   * @throws {@link InvalidPathError} if `index` is not an integer in 0..=length.
   */
  insert(index: number, value: ValueInput, random: Random = systemRandom): List {
    const length = this.length;
    checkIndex(index, length + 1, length);
    const item = toValue(value, random);
    const entries = this.#entries;
    const first = entries[0];
    const last = entries.at(-1);
    let position: Position;
    if (first === undefined || last === undefined) position = Position.beginning(random);
    else if (index === 0) position = positionForPrepend(first[0], random);
    else if (index === length) position = positionForAppend(last[0], random);
    else {
      const leftLive = this.#live[index - 1] ?? 0;
      const rightLive = this.#live[index] ?? 0;
      const left = leftLive === index - 1 ? index - 1 : rightLive - 1;
      position = Position.between(slotAt(entries, left), slotAt(entries, left + 1), random);
    }
    return this.#put(position, item);
  }

  /**
   * Replaces the live item at `index` in place (same position).
   *
   * @throws {@link InvalidPathError} if there is no live item at `index`.
   */
  set(index: number, value: ValueInput, random: Random = systemRandom): List {
    checkIndex(index, this.length, this.length);
    return this.#put(slotAt(this.#entries, this.#live[index] ?? 0), toValue(value, random));
  }

  /**
   * Tombstones the live item at `index` (Rust's `remove`).
   *
   * @throws {@link InvalidPathError} if there is no live item at `index`.
   */
  remove(index: number): List {
    checkIndex(index, this.length, this.length);
    return this.#put(slotAt(this.#entries, this.#live[index] ?? 0), DELETED);
  }

  /**
   * Writes `value` at an explicit position; an existing slot at that position keeps its key and
   * takes the new value (Rust's `insert_at_position`, a `BTreeMap::insert`).
   */
  insertAtPosition(position: Position, value: ValueInput, random: Random = systemRandom): List {
    return this.#put(position, toValue(value, random));
  }

  /** Merges `other` (the later write) into this list: the union of slots, values merged. */
  merge(other: List): List {
    if (other.#entries.length === 0) return this;
    if (this.#entries.length === 0) return other;
    const a = this.#entries;
    const b = other.#entries;
    const out: ListEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = slotEntry(a, i);
      const y = slotEntry(b, j);
      const order = x[0].compare(y[0]);
      if (order <= 0) i++;
      if (order >= 0) j++;
      out.push(order < 0 ? x : order > 0 ? y : [x[0], mergeValues(x[1], y[1])]);
    }
    for (; i < a.length; i++) out.push(slotEntry(a, i));
    for (; j < b.length; j++) out.push(slotEntry(b, j));
    return List.#make(out);
  }

  /** Structural equality with exact positions and tombstones (Rust's `PartialEq`). */
  equals(other: List): boolean {
    if (this === other) return true;
    const a = this.#entries;
    const b = other.#entries;
    if (a.length !== b.length) return false;
    return a.every(([position, value], i) => {
      const [p, v] = slotEntry(b, i);
      return position.equals(p) && valuesEqual(value, v);
    });
  }

  /** Live items as plain JavaScript. */
  toPlain(): PlainValue[] {
    return this.values().map(toPlain);
  }

  /** Same as {@link List.toPlain}, so `JSON.stringify` shows the live items. */
  toJSON(): PlainValue[] {
    return this.toPlain();
  }

  #find(position: Position): number {
    let lo = 0;
    let hi = this.#entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const order = slotAt(this.#entries, mid).compare(position);
      if (order === 0) return mid;
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  #put(position: Position, value: Value): List {
    const at = this.#find(position);
    const entries = this.#entries.slice();
    if (at >= 0) entries[at] = [slotAt(entries, at), value];
    else entries.splice(-at - 1, 0, [position, value]);
    return List.#make(entries);
  }
}

/** The slot at `i`, which the caller knows exists. */
function slotEntry(entries: readonly ListEntry[], i: number): ListEntry {
  return entries[i] as ListEntry;
}

function slotAt(entries: readonly ListEntry[], i: number): Position {
  return slotEntry(entries, i)[0];
}

function checkIndex(index: number, bound: number, length: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= bound) {
    throw new InvalidPathError(`list index ${index} is out of bounds (length ${length})`);
  }
}
