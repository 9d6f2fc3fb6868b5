/**
 * Conversion between plain JavaScript values and CRDT {@link Value}s.
 *
 * @module
 */

import { LimitExceededError, MalformedError } from "../errors/errors.js";
import { LIMITS } from "../limits.js";
import { type Random, systemRandom } from "../util/random.js";
import { Doc } from "./doc.js";
import { List } from "./list.js";
import { Deleted, type Value, isWellFormedText } from "./value.js";

/**
 * What the writing methods (`Doc.set`, `List.push`, …) accept: a {@link Value}, or plain data
 * that converts to one.
 *
 * - `string` → Text, `boolean` → Bool, `null` → Null;
 * - `number` → Int; it must be a safe integer (no floats: Rust's `From<f64>` truncates, this
 *   port refuses); `bigint` → Int if within the safe range;
 * - an array → a {@link List}, each item pushed in order (positions `0/1`, `1/1`, …);
 * - a plain object → a {@link Doc}, each property applied with `Doc.set` in property order, so a
 *   dotted property name is a path, as in Rust's `FromIterator for Doc`;
 * - a {@link Doc}, {@link List} or {@link DELETED} as it is.
 */
export type ValueInput = Value | bigint | readonly ValueInput[] | { readonly [key: string]: ValueInput };

/** The plain JavaScript form of a value, without tombstones: what `toPlain` / `toJSON` return. */
export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };

/**
 * Converts plain data to a {@link Value}.
 *
 * @param random - Source of UUIDs for the positions of arrays (default `systemRandom`).
 * @throws {@link MalformedError} for a float, an unsafe integer, `undefined`, a lone surrogate,
 *   or an object that is not plain (a `Date`, a `Map`, a class instance).
 * @throws {@link LimitExceededError} (`"jsonDepth"`) for data nested deeper than
 *   `LIMITS.jsonDepth`.
 */
export function toValue(input: ValueInput, random: Random = systemRandom): Value {
  return convert(input, random, 0);
}

function convert(input: unknown, random: Random, depth: number): Value {
  switch (typeof input) {
    case "string":
      if (!isWellFormedText(input)) throw new MalformedError("text contains a lone surrogate");
      return input;
    case "boolean":
      return input;
    case "number":
      if (!Number.isSafeInteger(input)) throw new MalformedError(`${input} is not a safe integer; Int values must be`);
      return input + 0; // turns -0 into 0
    case "bigint":
      if (input > BigInt(Number.MAX_SAFE_INTEGER) || input < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new MalformedError(`${input} is outside the safe integer range that Int values are limited to`);
      }
      return Number(input);
    case "object":
      break;
    default:
      throw new MalformedError(`${typeof input} values cannot be stored in a Doc`);
  }
  if (input === null || input instanceof Doc || input instanceof List || input instanceof Deleted) return input;
  if (depth >= LIMITS.jsonDepth) throw new LimitExceededError("jsonDepth", LIMITS.jsonDepth, depth + 1);
  if (Array.isArray(input)) {
    return List.from(
      input.map((item: unknown) => convert(item, random, depth + 1)),
      random,
    );
  }
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) {
    throw new MalformedError("only plain objects, arrays, Docs and Lists can be stored in a Doc");
  }
  const record = input as Record<string, unknown>;
  const keys = Object.keys(record);
  const values = keys.map((key) => convert(record[key], random, depth + 1));
  if (!keys.some((key) => key.includes("."))) {
    return Doc.fromEntries(keys.map((key, i) => [key, values[i] as Value]));
  }
  let doc = new Doc();
  keys.forEach((key, i) => {
    doc = doc.set(key, values[i] as Value, random);
  });
  return doc;
}

/**
 * Checks that `input` is already a {@link Value} (not plain data to convert) and returns it,
 * with `-0` normalized to `0`.
 *
 * @throws {@link MalformedError} if it is not.
 */
export function checkValue(input: unknown): Value {
  if (
    typeof input === "object" &&
    input !== null &&
    !(input instanceof Doc || input instanceof List || input instanceof Deleted)
  ) {
    throw new MalformedError("expected a Value: null, boolean, safe integer, string, Doc, List or DELETED");
  }
  return convert(input, systemRandom, 0); // plain objects and arrays were refused above
}

/**
 * The plain JavaScript form of a value: tombstones are left out of docs and lists, and a bare
 * tombstone becomes `null` (Rust's `Value::to_json_string`).
 */
export function toPlain(value: Value): PlainValue {
  if (typeof value !== "object" || value === null) return value;
  return value.kind === "Deleted" ? null : value.toPlain();
}
