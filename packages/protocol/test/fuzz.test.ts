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
import { Doc, Entry, docToJson, isEideticaError, seededRandom } from "@eidetica/core";
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
import { mutateBytes, mutateStructure, pick, respell, testSeed } from "@eidetica/test-kit";

const MUTATIONS = 10_000;
type Json = unknown;
const DOMAIN_VALUES: Json[] = [ROOT.id, KEY_A.publicKey];

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
    const input = roll < 9 ? mutateStructure(rng, JSON.parse(base), DOMAIN_VALUES) : roll < 18 ? mutateBytes(rng, base) : respell(rng, base);
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
