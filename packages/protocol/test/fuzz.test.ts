/**
 * Seeded wire fuzzer of every decoder: 10,000 mutations of small valid messages per message
 * kind (3 request kinds, 7 response kinds). Mutations are structure-aware (wrong types, missing
 * and extra fields, oversized strings and arrays, deep nesting, unknown variants, two variants)
 * and byte-level (truncation, bit flips, invalid UTF-8, trailing garbage), plus harmless
 * re-spellings (whitespace, key order) that must still decode.
 *
 * Every outcome must be a correct decode (its encoding decodes and re-encodes to itself) or a
 * typed EideticaError. Replay a failure with EIDETICA_SEED=<seed>.
 */
import { Doc, Entry, docToJson, isEideticaError, seededRandom, utf8 } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type SyncRequest,
  type SyncResponse,
} from "../src/index.js";
import { CHILD, KEY_A, ROOT, bytesOf, requestCorpus, responseCorpus } from "./support/fixtures.js";
import { testSeed } from "@eidetica/test-kit";

const MUTATIONS = 10_000;
type Rng = ReturnType<typeof seededRandom>;
type Json = unknown;
type Holder = Record<string | number, Json>;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.nextU32() % items.length]!;
const chance = (rng: Rng, oneIn: number): boolean => rng.nextU32() % oneIn === 0;

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
  [], {}, [[]], { a: 1 }, { Admin: 0 }, { Write: -1 }, [256], [1, 2, 3], ROOT.id, KEY_A.publicKey, "ed25519:AAAA", "\ud800",
  "\u0000", "\u0000doc0\u0000", { children: {} }, { children: { k: { Int: 1 } } },
];

function mutateStructure(rng: Rng, root: Json): string {
  const holder = { root };
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
      if (Array.isArray(container)) container.push(pick(rng, WRONG_VALUES));
      else container[`extra${rng.nextU32() % 3}`] = pick(rng, WRONG_VALUES);
      break;
    case 2: // wrong type
      set(pick(rng, WRONG_VALUES));
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
      if (typeof top === "object" && top !== null && !Array.isArray(top)) (top as Holder)[pick(rng, VARIANTS)] = pick(rng, WRONG_VALUES);
      else holder.root = { [String(top)]: null, [pick(rng, VARIANTS)]: null };
      break;
    }
    case 9: // the variant as a bare string, or the body alone
      holder.root = chance(rng, 2) ? pick(rng, VARIANTS) : typeof root === "object" && root !== null ? Object.values(root)[0] : root;
      break;
    case 10: // a byte array item out of range, or a number nudged
      if (typeof current === "number") set(current + (rng.nextU32() % 3) - 1);
      else if (Array.isArray(current) && current.length > 0) current[rng.nextU32() % current.length] = pick(rng, [256, -1, 1.5, "1", null]);
      else set(pick(rng, WRONG_VALUES));
      break;
    default:
      // change one character of a string (IDs, keys, base64, names)
      if (typeof current === "string" && current.length > 0) {
        const i = rng.nextU32() % current.length;
        set(current.slice(0, i) + String.fromCharCode(33 + (rng.nextU32() % 90)) + current.slice(i + 1));
      } else {
        set(pick(rng, WRONG_VALUES));
      }
  }
  return JSON.stringify(holder.root) ?? "";
}

const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];

function mutateBytes(rng: Rng, text: string): Uint8Array | string {
  const bytes = utf8(text);
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

/** Harmless re-spellings: the message must still decode. */
function respell(rng: Rng, text: string): string {
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

/** The content of a decoded message as text: entries by ID, Docs and bytes in full. */
function fingerprint(message: unknown): string {
  // The holder's own property, before any toJSON (Doc has one that drops tombstones).
  return JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    if (original instanceof Entry) return { entry: original.id };
    if (original instanceof Doc) return { doc: docToJson(original) };
    if (original instanceof Uint8Array) return { bytes: Array.from(original) };
    return value;
  });
}

interface Kind {
  readonly name: string;
  readonly corpus: readonly string[];
  readonly decode: (input: string | Uint8Array) => unknown;
  readonly encode: (message: never) => string;
}

const requests = requestCorpus();
const responses = responseCorpus();
const er = (r: SyncRequest) => encodeRequest(r);
const es = (r: SyncResponse) => encodeResponse(r);

const KINDS: Kind[] = [
  {
    name: "request Handshake",
    corpus: [
      er(requests["handshake"]!),
      `{"Handshake":{"device_id":"${KEY_A.publicKey}","public_key":"${KEY_A.publicKey}","protocol_version":0,"challenge":[${bytesOf(32, 9).join(",")}],"listen_addresses":[]}}`,
    ],
    decode: decodeRequest,
    encode: encodeRequest,
  },
  {
    name: "request SyncTree",
    corpus: [
      er(requests["syncTreeBootstrap"]!),
      er(requests["syncTreeFull"]!),
      `{"SyncTree":{"tree_id":"${ROOT.id}","our_tips":["${CHILD.id}","${ROOT.id}"],"requested_permission":"Read"}}`,
    ],
    decode: decodeRequest,
    encode: encodeRequest,
  },
  {
    name: "request SendEntries",
    corpus: [er(requests["sendEntries"]!), er({ kind: "SendEntries", entries: [] }), er({ kind: "SendEntries", entries: [CHILD] })],
    decode: decodeRequest,
    encode: encodeRequest,
  },
  { name: "response Handshake", corpus: [es(responses["handshake"]!)], decode: decodeResponse, encode: encodeResponse },
  {
    name: "response Bootstrap",
    corpus: [
      es(responses["bootstrap"]!),
      es({ kind: "Bootstrap", bootstrap: { treeId: ROOT.id, rootEntry: ROOT, allEntries: [], keyApproved: false, grantedPermission: null } }),
    ],
    decode: decodeResponse,
    encode: encodeResponse,
  },
  {
    name: "response Incremental",
    corpus: [es(responses["incremental"]!), es({ kind: "Incremental", incremental: { treeId: ROOT.id, theirTips: [ROOT.id, CHILD.id], missingEntries: [] } })],
    decode: decodeResponse,
    encode: encodeResponse,
  },
  { name: "response BootstrapPending", corpus: [es(responses["bootstrapPending"]!)], decode: decodeResponse, encode: encodeResponse },
  { name: "response Ack", corpus: [es(responses["ack"]!), `{"Ack":null}`], decode: decodeResponse, encode: encodeResponse },
  { name: "response Count", corpus: [es(responses["count"]!), `{"Count":0}`], decode: decodeResponse, encode: encodeResponse },
  { name: "response Error", corpus: [es(responses["error"]!), `{"Error":""}`], decode: decodeResponse, encode: encodeResponse },
];

interface Tally {
  decoded: number;
  rejected: number;
  readonly codes: Map<string, number>;
}

function fuzzKind(kind: Kind, seed: number): Tally {
  const rng = seededRandom(seed);
  const tally: Tally = { decoded: 0, rejected: 0, codes: new Map() };
  for (const text of kind.corpus) {
    // The corpus itself is valid (some entries in a tolerated, non-canonical spelling).
    const canonical = kind.encode(kind.decode(text) as never);
    if (kind.encode(kind.decode(canonical) as never) !== canonical) throw new Error(`${kind.name}: corpus entry is unstable: ${text}`);
  }
  for (let i = 0; i < MUTATIONS; i++) {
    const base = pick(rng, kind.corpus);
    const roll = rng.nextU32() % 20;
    const input = roll < 9 ? mutateStructure(rng, JSON.parse(base)) : roll < 18 ? mutateBytes(rng, base) : respell(rng, base);
    let decoded: unknown;
    try {
      decoded = kind.decode(input);
    } catch (error) {
      if (!isEideticaError(error)) {
        const preview = typeof input === "string" ? input.slice(0, 300) : `${input.length} bytes`;
        throw new Error(`${kind.name}: mutation ${i} threw a non-Eidetica error; replay with EIDETICA_SEED=${testSeed()}\ninput: ${preview}`, {
          cause: error,
        });
      }
      tally.codes.set(error.code, (tally.codes.get(error.code) ?? 0) + 1);
      tally.rejected++;
      continue;
    }
    // A correct decode: its encoding decodes again and re-encodes to the same text.
    const encoded = kind.encode(decoded as never);
    const redecoded = kind.decode(encoded);
    const again = kind.encode(redecoded as never);
    if (fingerprint(redecoded) !== fingerprint(decoded)) {
      throw new Error(`${kind.name}: mutation ${i} loses content in its encoding; replay with EIDETICA_SEED=${testSeed()}\n${encoded.slice(0, 300)}`);
    }
    if (again !== encoded) {
      throw new Error(`${kind.name}: mutation ${i} does not re-encode stably; replay with EIDETICA_SEED=${testSeed()}\n${encoded.slice(0, 300)}\n${again.slice(0, 300)}`);
    }
    if (roll >= 18 && encoded !== kind.encode(kind.decode(base) as never)) {
      throw new Error(`${kind.name}: a re-spelling (mutation ${i}) changed the message; replay with EIDETICA_SEED=${testSeed()}`);
    }
    tally.decoded++;
  }
  return tally;
}

describe("wire fuzzer of every decoder", () => {
  const seed = testSeed();
  const tallies = new Map<string, Tally>();

  it.each(KINDS.map((k, i) => [k.name, k, i] as const))(`%s: ${MUTATIONS} mutations decode correctly or fail typed`, (_name, kind, index) => {
    const tally = fuzzKind(kind, seed + index * 7_919);
    tallies.set(kind.name, tally);
    const summary = `${kind.name} (EIDETICA_SEED=${seed}): ${JSON.stringify({ ...tally, codes: Object.fromEntries(tally.codes) })}`;
    if (process.env["FUZZ_DEBUG"]) console.log(summary);
    expect(tally.decoded + tally.rejected, summary).toBe(MUTATIONS);
    expect(tally.decoded, summary).toBeGreaterThan(0);
    expect(tally.rejected, summary).toBeGreaterThan(0);
    expect(tally.codes.get("SCHEMA") ?? 0, summary).toBeGreaterThan(0);
    expect(tally.codes.get("MALFORMED") ?? 0, summary).toBeGreaterThan(0);
    expect(tally.codes.get("LIMIT_EXCEEDED") ?? 0, summary).toBeGreaterThan(0);
  });

  it("all kinds together met SCHEMA, MALFORMED, LIMIT_EXCEEDED and UNKNOWN_MESSAGE", () => {
    expect(tallies.size, `EIDETICA_SEED=${seed}`).toBe(KINDS.length);
    const codes = new Map<string, number>();
    for (const tally of tallies.values()) for (const [code, n] of tally.codes) codes.set(code, (codes.get(code) ?? 0) + n);
    const summary = `EIDETICA_SEED=${seed}: ${JSON.stringify(Object.fromEntries(codes))}`;
    for (const code of ["SCHEMA", "MALFORMED", "LIMIT_EXCEEDED", "UNKNOWN_MESSAGE"]) expect(codes.get(code) ?? 0, summary).toBeGreaterThan(0);
    // Typed errors only come from the documented set.
    for (const code of codes.keys()) expect(["SCHEMA", "MALFORMED", "LIMIT_EXCEEDED", "UNKNOWN_MESSAGE", "UNSUPPORTED_VERSION"], summary).toContain(code);
  });
});
