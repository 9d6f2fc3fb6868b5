/**
 * The serde JSON form of a {@link Doc}, byte for byte as Rust's `serde_json::to_string(&doc)`
 * writes it, and a strict reader for it.
 *
 * ```text
 * Doc      {"_a":true,"children":{…}}     _v omitted (always 0), _a only when true
 * Value    "Null" | {"Bool":b} | {"Int":n} | {"Text":s} | {"Doc":Doc} | {"List":List} | "Deleted"
 * List     [[Position,Value],…]           in position order
 * Position {"numerator":n,"denominator":d,"unique_id":"…"}
 * ```
 *
 * Rust's `children` is a `HashMap`, so its key order is unspecified; this port writes keys in
 * code-point order. Strings are escaped as serde_json does (`\"`, `\\`, `\b \f \n \r \t`, other
 * control characters as `\u00xx`, everything else literal).
 *
 * @module
 */

import { LimitExceededError, MalformedError, UnsupportedVersionError } from "../errors/errors.js";
import { LIMITS } from "../limits.js";
import { Doc } from "./doc.js";
import { JsonNonInteger, parseJson } from "./json-parse.js";
import { List, type ListEntry } from "./list.js";
import { Position } from "./position.js";
import { isCanonicalUuid } from "./uuid-range.js";
import { DELETED, type Value, isWellFormedText } from "./value.js";

/** The only Doc format version (Rust's `DOC_VERSION`); written as an omitted `_v`. */
export const DOC_VERSION = 0;

/**
 * The serde JSON text of a document, tombstones included, exactly as Rust writes it (keys of
 * `children` in code-point order).
 *
 * @example
 * ```ts
 * docToJson(new Doc().set("k", "v")); // '{"children":{"k":{"Text":"v"}}}'
 * ```
 */
export function docToJson(doc: Doc): string {
  const out: string[] = [];
  writeDoc(doc, out);
  return out.join("");
}

/** {@link docToJson} as UTF-8 bytes: the form stored as an entry's store data. */
export function docToJsonBytes(doc: Doc): Uint8Array {
  return new TextEncoder().encode(docToJson(doc));
}

function writeDoc(doc: Doc, out: string[]): void {
  out.push(doc.isAtomic ? '{"_a":true,"children":{' : '{"children":{');
  doc.rawEntries().forEach(([key, value], i) => {
    out.push(i === 0 ? "" : ",", JSON.stringify(key), ":");
    writeValue(value, out);
  });
  out.push("}}");
}

function writeValue(value: Value, out: string[]): void {
  if (value === null) out.push('"Null"');
  else if (typeof value === "boolean") out.push(value ? '{"Bool":true}' : '{"Bool":false}');
  else if (typeof value === "number") out.push(`{"Int":${value}}`);
  else if (typeof value === "string") out.push(`{"Text":${JSON.stringify(value)}}`);
  else if (value.kind === "Deleted") out.push('"Deleted"');
  else if (value.kind === "Doc") {
    out.push('{"Doc":');
    writeDoc(value, out);
    out.push("}");
  } else {
    out.push('{"List":[');
    value.rawEntries().forEach(([position, item], i) => {
      out.push(
        i === 0 ? "[" : ",[",
        `{"numerator":${position.numerator},"denominator":${position.denominator},"unique_id":"${position.uniqueId}"}`,
        ",",
      );
      writeValue(item, out);
      out.push("]");
    });
    out.push("]}");
  }
}

/**
 * Reads a document from its serde JSON text (a string or UTF-8 bytes), validating all of it.
 *
 * Stricter than serde in a few ways, all documented on {@link docFromJsonValue}; besides those,
 * the text must be valid UTF-8 without a byte-order mark, keys must not repeat, and strings must
 * not contain lone surrogates.
 *
 * @throws {@link MalformedError} (with `path`, e.g. `children.tags.List[0][0].denominator`) for
 *   anything that is not a valid Doc.
 * @throws {@link LimitExceededError} (`"jsonDepth"`) for nesting deeper than `LIMITS.jsonDepth`,
 *   before any of it is built.
 * @throws {@link UnsupportedVersionError} if `_v` is not 0.
 */
export function docFromJson(input: string | Uint8Array): Doc {
  let text: string;
  if (typeof input === "string") text = input;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
    } catch (cause) {
      throw new MalformedError("Doc JSON is not valid UTF-8", undefined, { cause });
    }
  }
  return readDoc(parseJson(text, LIMITS.jsonDepth), undefined);
}

/**
 * Reads a document from an already-parsed JSON value (as `JSON.parse` returns), validating it.
 * The depth is checked first, without recursion: a value nested a million levels deep is refused
 * at level 65.
 *
 * Integers may be `number`s (safe integers only) or `bigint`s. Where serde would accept more,
 * this reader refuses, because Rust never writes these forms: unknown fields, structs written
 * as arrays, `{"Null":null}` for `"Null"`, a denominator of 0, a non-canonical UUID, and two list
 * items at the same position. Int values outside ±(2^53 - 1) are refused too (Rust allows `i64`).
 *
 * @throws the same errors as {@link docFromJson}.
 */
export function docFromJsonValue(value: unknown): Doc {
  checkDepth(value, LIMITS.jsonDepth);
  return readDoc(value, undefined);
}

/** Walks `root` with an explicit stack, failing on the first container deeper than `max`. */
function checkDepth(root: unknown, max: number): void {
  const stack: [unknown, number][] = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [value, depth] = top;
    if (typeof value !== "object" || value === null || value instanceof JsonNonInteger) continue;
    if (depth > max) throw new LimitExceededError("jsonDepth", max, depth);
    const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) stack.push([child, depth + 1]);
  }
}

function readDoc(input: unknown, path: string | undefined): Doc {
  const object = asObject(input, path, "a Doc object");
  let atomic = false;
  let children: Record<string, unknown> | undefined;
  for (const [field, value] of Object.entries(object)) {
    const at = join(path, field);
    if (field === "_v") {
      const version = asInteger(value, at);
      if (version !== 0n) throw new UnsupportedVersionError("Doc", version);
    } else if (field === "_a") {
      if (typeof value !== "boolean") throw new MalformedError("_a must be a boolean", at);
      atomic = value;
    } else if (field === "children") children = asObject(value, at, "an object of values");
    else throw new MalformedError(`unknown field ${JSON.stringify(field)}`, path);
  }
  if (children === undefined) throw new MalformedError("missing field children", path);
  const at = join(path, "children");
  const entries = Object.entries(children).map(([key, value]): [string, Value] => {
    const keyPath = join(at, key);
    if (!isWellFormedText(key)) throw new MalformedError("key contains a lone surrogate", keyPath);
    return [key, readValue(value, keyPath)];
  });
  return Doc.fromEntries(entries, { atomic });
}

function readValue(input: unknown, path: string): Value {
  if (input === "Null") return null;
  if (input === "Deleted") return DELETED;
  if (typeof input === "string") throw new MalformedError(`unknown value variant ${JSON.stringify(input)}`, path);
  const object = asObject(input, path, 'a value ("Null", "Deleted" or a one-key object)');
  const keys = Object.keys(object);
  const tag = keys[0];
  if (keys.length !== 1 || tag === undefined)
    throw new MalformedError("a value object must have exactly one key", path);
  const inner = object[tag];
  const at = join(path, tag);
  switch (tag) {
    case "Bool":
      if (typeof inner !== "boolean") throw new MalformedError("expected a boolean", at);
      return inner;
    case "Int": {
      const n = asInteger(inner, at);
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new MalformedError("Int is outside the safe integer range ±(2^53-1) this port supports", at);
      }
      return Number(n);
    }
    case "Text":
      if (typeof inner !== "string") throw new MalformedError("expected a string", at);
      if (!isWellFormedText(inner)) throw new MalformedError("text contains a lone surrogate", at);
      return inner;
    case "Doc":
      return readDoc(inner, at);
    case "List":
      return readList(inner, at);
    default:
      throw new MalformedError(`unknown value variant ${JSON.stringify(tag)}`, path);
  }
}

function readList(input: unknown, path: string): List {
  if (!Array.isArray(input)) throw new MalformedError("expected an array of [position, value] pairs", path);
  const entries: ListEntry[] = input.map((pair: unknown, i): ListEntry => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(pair) || pair.length !== 2) throw new MalformedError("expected a [position, value] pair", at);
    return [readPosition(pair[0], `${at}[0]`), readValue(pair[1], `${at}[1]`)];
  });
  entries.sort((a, b) => a[0].compare(b[0]));
  entries.forEach(([position], i) => {
    const previous = entries[i - 1];
    if (previous !== undefined && previous[0].compare(position) === 0) {
      throw new MalformedError(`two items at position ${String(position)}`, path);
    }
  });
  return List.fromEntries(entries);
}

function readPosition(input: unknown, path: string): Position {
  const object = asObject(input, path, "a position object");
  for (const field of Object.keys(object)) {
    if (field !== "numerator" && field !== "denominator" && field !== "unique_id") {
      throw new MalformedError(`unknown field ${JSON.stringify(field)}`, path);
    }
  }
  for (const field of ["numerator", "denominator", "unique_id"]) {
    if (!Object.hasOwn(object, field)) throw new MalformedError(`missing field ${field}`, path);
  }
  const uniqueId = object["unique_id"];
  if (typeof uniqueId !== "string" || !isCanonicalUuid(uniqueId)) {
    throw new MalformedError("expected a lower-case hyphenated UUID", join(path, "unique_id"));
  }
  const numerator = asInteger(object["numerator"], join(path, "numerator"));
  const denominator = asInteger(object["denominator"], join(path, "denominator"));
  return Position.fromParts({ numerator, denominator, uniqueId }, path);
}

function asObject(input: unknown, path: string | undefined, what: string): Record<string, unknown> {
  if (typeof input === "object" && input !== null && !Array.isArray(input)) {
    const proto: unknown = Object.getPrototypeOf(input);
    if (proto === null || proto === Object.prototype) return input as Record<string, unknown>;
  }
  throw new MalformedError(`expected ${what}`, path);
}

function asInteger(input: unknown, path: string): bigint {
  if (typeof input === "bigint") return input;
  if (typeof input === "number" && Number.isSafeInteger(input)) return BigInt(input);
  if (input instanceof JsonNonInteger || typeof input === "number") {
    throw new MalformedError("expected an integer, found a float or an out-of-range number", path);
  }
  throw new MalformedError("expected an integer", path);
}

function join(path: string | undefined, key: string): string {
  const part = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === undefined) return part.startsWith("[") ? `$${part}` : part;
  return part.startsWith("[") ? `${path}${part}` : `${path}.${part}`;
}
