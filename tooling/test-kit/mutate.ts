/**
 * Seeded mutators of wire messages for fuzzers: structure-aware (on the parsed JSON value) and
 * byte-level (on the text), and harmless re-spellings that must still decode. Every choice
 * comes from the caller's seeded generator, so a failing case replays from its seed.
 */

/** What the mutators draw from: a seeded generator. */
export interface Rng {
  nextU32(): number;
}

/** A parsed JSON value. */
export type Json = unknown;
type Holder = Record<string | number, Json>;

/** One of `items`, chosen by `rng`. */
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.nextU32() % items.length]!;
/** True one time in `oneIn`. */
export const chance = (rng: Rng, oneIn: number): boolean => rng.nextU32() % oneIn === 0;

/** Every [container, key] pair inside a JSON value, the root included (as `holder.root`). */
function slots(holder: { root: Json }): [Holder, string | number][] {
  const out: [Holder, string | number][] = [[holder as Holder, "root"]];
  const stack: Json[] = [holder.root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        out.push([value as unknown as Holder, i]);
        stack.push(item);
      });
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        out.push([value as Holder, key]);
        stack.push(item);
      }
    }
  }
  return out;
}

const VARIANTS = ["Handshake", "SyncTree", "SendEntries", "Bootstrap", "Incremental", "BootstrapPending", "Ack", "Count", "Error"];
const UNKNOWN = ["Ping", "handshake", "ACK", "Acks", "", "SyncTre", "Incremental ", "__proto__", "constructor", "toString"];
const WRONG_VALUES: Json[] = [
  null, true, false, 0, -1, 1.5, 2 ** 32, 2 ** 53, 256, -0.0, 1e300, "", "x", "Read", "Ack", "Deleted", "Null",
  [], {}, [[]], { a: 1 }, { Admin: 0 }, { Write: -1 }, [256], [1, 2, 3], "ed25519:AAAA", "\ud800",
  "\u0000", "\u0000doc0\u0000", { children: {} }, { children: { k: { Int: 1 } } },
];

/**
 * One structure-aware mutation of a JSON value (it is changed in place): a field removed or
 * added, a wrong type, an oversized string or array, deep nesting, reordering, an unknown or a
 * second variant, a number nudged, a character changed. `extra` adds values of the caller's
 * domain (real IDs, keys) to the wrong values tried. Returns the JSON text.
 */
export function mutateStructure(rng: Rng, root: Json, extra: readonly Json[] = []): string {
  const holder = { root };
  const wrong = [...WRONG_VALUES, ...extra];
  const all = slots(holder);
  const [container, key] = pick(rng, all);
  const set = (v: Json) => (container[key] = v);
  const current = container[key];
  switch (rng.nextU32() % 12) {
    case 0: // remove a field or item
      if (Array.isArray(container)) container.splice(key as number, 1);
      else if (container !== (holder as Holder)) delete container[key as string];
      else set(undefined);
      break;
    case 1: // add an item or an unknown field
      if (Array.isArray(container)) container.push(pick(rng, wrong));
      else container[`extra${rng.nextU32() % 3}`] = pick(rng, wrong);
      break;
    case 2: // wrong type
      set(pick(rng, wrong));
      break;
    case 3: // oversized string: past MAX_TEXT, and now and then past the message limit
      set("s".repeat(chance(rng, 150) ? 4 * 1024 * 1024 + 10 : 1 + (rng.nextU32() % 70_000)));
      break;
    case 4: {
      // oversized array: past small limits, and now and then past 10,000 and 1,024. A huge
      // array is filled with a small item: a million copies of an entry would not fit in a
      // JavaScript string (and the size limit is checked before the items anyway).
      const huge = chance(rng, 100);
      const length = huge ? 10_001 + (rng.nextU32() % 1_000_000) : 30 + (rng.nextU32() % 100);
      set(new Array(length).fill(!huge && chance(rng, 2) ? current ?? 0 : 0));
      break;
    }
    case 5: {
      // deep nesting around the value
      let wrapped: Json = current;
      const depth = 1 + (rng.nextU32() % 100);
      for (let i = 0; i < depth; i++) wrapped = chance(rng, 2) ? [wrapped] : { Doc: wrapped };
      set(wrapped);
      break;
    }
    case 6: // reorder or duplicate array items
      if (Array.isArray(current) && current.length > 1) current.reverse();
      else if (Array.isArray(container)) container.splice(key as number, 0, current);
      else set(current);
      break;
    case 7: {
      // rename the variant (or any key) to an unknown or another known one
      const top = holder.root;
      if (typeof top === "object" && top !== null && !Array.isArray(top) && Object.keys(top).length > 0) {
        const name = Object.keys(top)[0]!;
        const body = (top as Holder)[name];
        delete (top as Holder)[name];
        (top as Holder)[pick(rng, chance(rng, 2) ? UNKNOWN : VARIANTS)] = body;
      } else {
        holder.root = pick(rng, [...UNKNOWN, ...VARIANTS]);
      }
      break;
    }
    case 8: {
      // two variants
      const top = holder.root;
      if (typeof top === "object" && top !== null && !Array.isArray(top)) (top as Holder)[pick(rng, VARIANTS)] = pick(rng, wrong);
      else holder.root = { [String(top)]: null, [pick(rng, VARIANTS)]: null };
      break;
    }
    case 9: // the variant as a bare string, or the body alone
      holder.root = chance(rng, 2) ? pick(rng, VARIANTS) : typeof root === "object" && root !== null ? Object.values(root)[0] : root;
      break;
    case 10: // a byte array item out of range, or a number nudged
      if (typeof current === "number") set(current + (rng.nextU32() % 3) - 1);
      else if (Array.isArray(current) && current.length > 0) current[rng.nextU32() % current.length] = pick(rng, [256, -1, 1.5, "1", null]);
      else set(pick(rng, wrong));
      break;
    default:
      // change one character of a string (IDs, keys, base64, names)
      if (typeof current === "string" && current.length > 0) {
        const i = rng.nextU32() % current.length;
        set(current.slice(0, i) + String.fromCharCode(33 + (rng.nextU32() % 90)) + current.slice(i + 1));
      } else {
        set(pick(rng, wrong));
      }
  }
  return JSON.stringify(holder.root) ?? "";
}

const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];

/** One byte-level mutation of a message: truncation, bit flips, invalid UTF-8, trailing garbage, a JSON-significant byte, deep nesting. */
export function mutateBytes(rng: Rng, text: string): Uint8Array | string {
  const bytes = new TextEncoder().encode(text);
  switch (rng.nextU32() % 6) {
    case 0: // truncation
      return bytes.subarray(0, rng.nextU32() % bytes.length);
    case 1: {
      const flips = 1 + (rng.nextU32() % 4);
      for (let i = 0; i < flips; i++) bytes[rng.nextU32() % bytes.length]! ^= 1 << (rng.nextU32() % 8);
      return bytes;
    }
    case 2: {
      const at = rng.nextU32() % bytes.length;
      return new Uint8Array([...bytes.subarray(0, at), ...pick(rng, BAD_UTF8), ...bytes.subarray(at)]);
    }
    case 3: {
      // trailing garbage: a copy of some of the message
      const from = rng.nextU32() % bytes.length;
      return new Uint8Array([...bytes, ...bytes.subarray(from, from + 1 + (rng.nextU32() % 40))]);
    }
    case 4: {
      // a byte replaced by a JSON-significant one
      const at = rng.nextU32() % bytes.length;
      bytes[at] = pick(rng, [0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x00, 0x20]);
      return bytes;
    }
    default: {
      // the whole text nested, sometimes 100,000 levels deep (checked without recursion)
      const depth = chance(rng, 20) ? 100_000 : 1 + (rng.nextU32() % 80);
      return `${"[".repeat(depth)}${text}${"]".repeat(depth)}`;
    }
  }
}

/** A harmless re-spelling (whitespace, key order): the message must still decode. */
export function respell(rng: Rng, text: string): string {
  const value = JSON.parse(text) as Json;
  switch (rng.nextU32() % 3) {
    case 0:
      return JSON.stringify(value, null, 1 + (rng.nextU32() % 4));
    case 1: {
      // reverse the key order of every object
      const reverse = (v: Json): Json =>
        Array.isArray(v) ? v.map(reverse) : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
      return JSON.stringify(reverse(value));
    }
    default:
      return ` \n\t${text}\r\n `;
  }
}
