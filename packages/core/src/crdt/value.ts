/**
 * The values a {@link Doc} or {@link List} holds: Rust's `crdt::doc::Value`, mapped onto plain
 * JavaScript where it can be.
 *
 * | Rust variant     | TypeScript                       | JSON (serde)            |
 * |------------------|----------------------------------|-------------------------|
 * | `Null`           | `null`                           | `"Null"`                |
 * | `Bool(b)`        | `boolean`                        | `{"Bool":b}`            |
 * | `Int(i64)`       | `number` (a safe integer)        | `{"Int":n}`             |
 * | `Text(s)`        | `string`                         | `{"Text":s}`            |
 * | `Doc(d)`         | {@link Doc}                      | `{"Doc":{…}}`           |
 * | `List(l)`        | {@link List}                     | `{"List":[[pos,v],…]}`  |
 * | `Deleted`        | {@link DELETED} (a tombstone)    | `"Deleted"`             |
 *
 * @module
 */

import type { Doc } from "./doc.js";
import type { List } from "./list.js";

/**
 * The tombstone type. Its only instance is {@link DELETED}. Tombstones stay in a document's
 * state so that a deletion merges over older values, but `get`, iteration and lengths hide them.
 */
export class Deleted {
  /** Always `"Deleted"`; lets a `switch` on `value.kind` tell tombstones, docs and lists apart. */
  get kind(): "Deleted" {
    return "Deleted";
  }

  /** Shown as `null`, like Rust's `Value::to_json_string`. */
  toJSON(): null {
    return null;
  }

  /** `<deleted>`, like Rust's `Display`. */
  toString(): string {
    return "<deleted>";
  }

  /** @internal Use {@link DELETED}. */
  static readonly instance: Deleted = Object.freeze(new Deleted());
  private constructor() {}
}

/** The tombstone value (Rust's `Value::Deleted`). Setting a key to it deletes the key. */
export const DELETED: Deleted = Deleted.instance;

/**
 * A value stored in a {@link Doc} or {@link List}. Integers are JavaScript numbers and must be
 * safe integers (`Number.isSafeInteger`): Rust allows the full `i64` range, this port allows
 * ±(2^53 - 1) and rejects anything larger when decoding. There are no floats.
 */
export type Value = null | boolean | number | string | Doc | List | Deleted;

/** A {@link Value} other than a tombstone: what `get` and iteration return. */
export type LiveValue = Exclude<Value, Deleted>;

/** The name of a value's Rust variant. */
export type ValueKind = "Null" | "Bool" | "Int" | "Text" | "Doc" | "List" | "Deleted";

/**
 * The Rust variant of a value, for exhaustive `switch`es.
 *
 * @example
 * ```ts
 * valueKind(42);        // "Int"
 * valueKind(new Doc()); // "Doc"
 * valueKind(DELETED);   // "Deleted"
 * ```
 */
export function valueKind(value: Value): ValueKind {
  switch (typeof value) {
    case "boolean":
      return "Bool";
    case "number":
      return "Int";
    case "string":
      return "Text";
    default:
      return value === null ? "Null" : value.kind;
  }
}

/** True if `value` is the tombstone {@link DELETED}. */
export function isDeleted(value: Value | undefined): value is Deleted {
  return value === DELETED;
}

/**
 * Structural equality, as Rust's derived `PartialEq`: tombstones, the atomic flag and exact
 * list positions all count.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return false;
  if (a.kind === "Doc") return b.kind === "Doc" && a.equals(b);
  if (a.kind === "List") return b.kind === "List" && a.equals(b);
  return false;
}

/**
 * The depth of a value's serde JSON form: 0 for the bare strings `"Null"` and `"Deleted"`,
 * 1 for `{"Int":…}` and the other scalars, and one more than the container for a Doc or List.
 */
export function valueJsonDepth(value: Value): number {
  if (typeof value !== "object" || value === null) return value === null ? 0 : 1;
  return value.kind === "Deleted" ? 0 : 1 + value.jsonDepth;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True if `text` is well-formed UTF-16 (no lone surrogate), so that it encodes to UTF-8 and a
 * Rust `String` can hold it.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
