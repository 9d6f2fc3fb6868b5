/**
 * A strict, iterative JSON parser for untrusted input (RFC 8259 with serde_json's choices).
 *
 * - Nesting deeper than `maxDepth` arrays/objects throws {@link LimitExceededError} as soon as
 *   the opening bracket is seen; nothing recurses, so no input can overflow the stack.
 * - Integers are exact: a number without fraction or exponent becomes a `number` when it has at
 *   most 15 digits and a `bigint` otherwise. A number with a fraction or exponent, `-0`, or an
 *   integer of more than 20 digits becomes a {@link JsonNonInteger} (serde_json reads all of
 *   these as floats, which no Doc field accepts).
 * - Objects are null-prototype objects; a repeated key is an error (JSON.parse keeps the last).
 * - Strings must be well-formed: a lone surrogate, escaped or raw, is an error (serde_json
 *   refuses it too), as are raw control characters.
 *
 * @module
 */

import { LimitExceededError, MalformedError } from "../errors/errors.js";

/** A JSON number that is not an integer this port can hold exactly; `text` is its source. */
export class JsonNonInteger {
  constructor(
    /** The number as written. */
    readonly text: string,
  ) {}
}

/** What {@link parseJson} returns. */
export type JsonTree =
  null | boolean | number | bigint | string | JsonNonInteger | JsonTree[] | { [key: string]: JsonTree };

interface Frame {
  readonly array: JsonTree[] | undefined;
  readonly object: { [key: string]: JsonTree } | undefined;
  key: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Parses `text` as one JSON value.
 *
 * @throws {@link MalformedError} for any syntax error, with the offset in the message.
 * @throws {@link LimitExceededError} (`"jsonDepth"`) for nesting deeper than `maxDepth`.
 */
export function parseJson(text: string, maxDepth: number): JsonTree {
  let i = 0;
  function fail(what: string): never {
    throw new MalformedError(`invalid JSON: ${what} at offset ${i}`);
  }
  const skip = (): void => {
    while (WS.has(text.charCodeAt(i))) i++;
  };
  const expect = (literal: string, value: JsonTree): JsonTree => {
    if (!text.startsWith(literal, i)) fail("unknown literal");
    i += literal.length;
    return value;
  };
  const hex4 = (): number => {
    const digits = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) fail("bad \\u escape");
    i += 4;
    return parseInt(digits, 16);
  };
  const string = (): string => {
    i++; // opening quote
    let out = "";
    let start = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail("unterminated string");
      if (c === 0x22) break;
      if (c < 0x20) fail("control character in string");
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = text.charCodeAt(i + 1);
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) fail("lone surrogate in string");
        i += 2;
        continue;
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text.charAt(i + 1);
      i += 2;
      if (e !== "u") {
        const plain = ESCAPES[e];
        if (plain === undefined) fail("bad escape");
        out += plain;
      } else {
        const unit = hex4();
        if (unit >= 0xdc00 && unit <= 0xdfff) fail("lone surrogate escape");
        if (unit >= 0xd800 && unit <= 0xdbff) {
          if (!text.startsWith("\\u", i)) fail("lone surrogate escape");
          i += 2;
          const low = hex4();
          if (low < 0xdc00 || low > 0xdfff) fail("lone surrogate escape");
          out += String.fromCharCode(unit, low);
        } else out += String.fromCharCode(unit);
      }
      start = i;
    }
    out += text.slice(start, i);
    i++; // closing quote
    return out;
  };
  const number = (): JsonTree => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const digitsStart = i;
    if (text.charCodeAt(i) === 0x30) i++;
    else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
    else fail("bad number");
    let integer = true;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) fail("bad number");
      while (isDigit(text.charCodeAt(i))) i++;
      integer = false;
    }
    if ((text.charCodeAt(i) | 0x20) === 0x65) {
      i++;
      if (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d) i++;
      if (!isDigit(text.charCodeAt(i))) fail("bad number");
      while (isDigit(text.charCodeAt(i))) i++;
      integer = false;
    }
    const source = text.slice(start, i);
    const digits = i - digitsStart;
    if (!integer || source === "-0" || digits > 20) return new JsonNonInteger(source);
    return digits <= 15 ? Number(source) : BigInt(source);
  };

  const stack: Frame[] = [];
  let value: JsonTree;
  for (;;) {
    skip();
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) throw new LimitExceededError("jsonDepth", maxDepth, stack.length + 1);
      i++;
      skip();
      const close = c === 0x7b ? 0x7d : 0x5d;
      const array = c === 0x5b ? [] : undefined;
      const object = c === 0x7b ? (Object.create(null) as { [key: string]: JsonTree }) : undefined;
      if (text.charCodeAt(i) === close) {
        i++;
        value = array ?? (object as { [key: string]: JsonTree });
      } else {
        stack.push({ array, object, key: object === undefined ? "" : key(object) });
        continue;
      }
    } else if (c === 0x22) value = string();
    else if (c === 0x74) value = expect("true", true);
    else if (c === 0x66) value = expect("false", false);
    else if (c === 0x6e) value = expect("null", null);
    else if (c === 0x2d || isDigit(c)) value = number();
    else return fail("expected a value");

    // A value is complete: store it, then close every container that ends here.
    for (;;) {
      const top = stack.at(-1);
      skip();
      if (top === undefined) {
        if (i !== text.length) fail("trailing characters");
        return value;
      }
      const next = text.charCodeAt(i);
      i++;
      if (top.array !== undefined) {
        top.array.push(value);
        if (next === 0x2c) break;
        if (next !== 0x5d) fail("expected , or ]");
        value = top.array;
      } else if (top.object !== undefined) {
        top.object[top.key] = value;
        if (next === 0x2c) {
          skip();
          top.key = key(top.object);
          break;
        }
        if (next !== 0x7d) fail("expected , or }");
        value = top.object;
      }
      stack.pop();
    }
  }

  function key(object: { [key: string]: JsonTree }): string {
    if (text.charCodeAt(i) !== 0x22) fail("expected a string key");
    const name = string();
    if (Object.hasOwn(object, name)) fail(`duplicate key ${JSON.stringify(name)}`);
    skip();
    if (text.charCodeAt(i) !== 0x3a) fail("expected :");
    i++;
    return name;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
