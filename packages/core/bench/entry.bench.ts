/**
 * Benchmarks of @eidetica/core's entry pipeline (`pnpm bench`). Workload: entries with one
 * parent and one store holding about 200 bytes of JSON, signed by one key.
 *
 * - verify_pipeline_entries_per_s: wire JSON text -> validated entry -> recomputed ID ->
 *   verified signature, on one core.
 * - sign_encode_entries_per_s: build, encode, sign and compute the ID.
 * The same with @noble/ed25519 for platforms without Node's crypto.
 */
import { measureRate, type BenchResult } from "@eidetica/bench-kit";
import {
  EntryBuilder,
  SigningKey,
  assertEntrySignature,
  encodeEntryMetadata,
  encodeWireEntry,
  idFromDagCbor,
  nobleEd25519,
  nodeEd25519,
  parseWireEntry,
  signEntry,
  utf8,
  type Ed25519Provider,
  type Entry,
} from "../src/index.js";

const ROOT = idFromDagCbor(utf8("bench root"));
const METADATA = encodeEntryMetadata({ settingsTips: [ROOT], entropy: null });

function payload(i: number): Uint8Array {
  // About 200 bytes of Doc JSON.
  const text = `{"children":{"title":{"Text":"entry number ${i} of the benchmark"},"body":{"Text":"${"lorem ipsum ".repeat(8)}"},"n":{"Int":${i}}}}`;
  return utf8(text);
}

function buildSigned(i: number, key: SigningKey): Entry {
  const parent = idFromDagCbor(utf8(`parent ${i}`));
  const entry = new EntryBuilder(ROOT)
    .parents([parent])
    .height(i + 1)
    .storeData("notes", payload(i))
    .storeParents("notes", [parent])
    .metadata(METADATA)
    .build();
  const signed = signEntry(entry, key);
  void signed.id;
  return signed;
}

function verifyRate(texts: readonly string[], provider: Ed25519Provider): number {
  return measureRate(texts.length, () => {
    for (const text of texts) {
      const entry = parseWireEntry(text);
      if (entry.id.length !== 59) throw new Error("bad id");
      assertEntrySignature(entry, undefined, provider);
    }
  });
}

function signRate(count: number, key: SigningKey): number {
  return measureRate(count, () => {
    for (let i = 0; i < count; i++) buildSigned(i, key);
  });
}

/** The entry pipeline figures (verify and sign rates, Node crypto and noble). */
export function entryBenchmarks(): BenchResult[] {
  const node = nodeEd25519();
  if (node === undefined) throw new Error("the core benchmark needs Node's crypto");
  const seed = new Uint8Array(32).fill(3);
  const nodeKey = SigningKey.fromSeed(seed, node);
  const nobleKey = SigningKey.fromSeed(seed, nobleEd25519);
  const texts = Array.from({ length: 10_000 }, (_, i) => encodeWireEntry(buildSigned(i, nodeKey)));
  const averageBytes = Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length);
  return [
    { name: "verify_pipeline_entries_per_s", value: verifyRate(texts, node), unit: "entries/s", goal: ">= 6,500" },
    { name: "sign_encode_entries_per_s", value: signRate(10_000, nodeKey), unit: "entries/s", goal: ">= 15,000" },
    { name: "verify_pipeline_noble_entries_per_s", value: verifyRate(texts.slice(0, 1_000), nobleEd25519), unit: "entries/s" },
    { name: "sign_encode_noble_entries_per_s", value: signRate(1_000, nobleKey), unit: "entries/s" },
    { name: "wire_entry_bytes", value: averageBytes, unit: "bytes" },
  ];
}
