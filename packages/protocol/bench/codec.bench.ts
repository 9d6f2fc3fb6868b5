/**
 * Benchmarks of the sync message codec (`pnpm bench`). Workload: one Incremental response
 * filled to just under the 4 MiB message limit with signed entries (a chain, one parent each,
 * one store holding about 200 bytes of Doc JSON and the settings pin as metadata).
 *
 * - decode_sync_response_mb_per_s: UTF-8 bytes -> size and depth checks -> JSON -> whole-shape
 *   validation -> every entry decoded with its ID recomputed (signatures are not verified; that
 *   is the engine's later step).
 * - encode_sync_response_mb_per_s: the response -> serde JSON text -> UTF-8 bytes.
 */
import { measureRate, type BenchResult } from "@eidetica/bench-kit";
import { EntryBuilder, LIMITS, SigningKey, encodeEntryMetadata, idFromDagCbor, signEntry, utf8, type Entry } from "@eidetica/core";
import { decodeResponse, encodeResponse, fitEntries, responseWireBytes, type SyncResponse } from "../src/index.js";

const TREE = idFromDagCbor(utf8("bench tree"));
const METADATA = encodeEntryMetadata({ settingsTips: [TREE], entropy: null });

function payload(i: number): Uint8Array {
  // About 200 bytes of Doc JSON.
  return utf8(`{"children":{"title":{"Text":"entry number ${i} of the benchmark"},"body":{"Text":"${"lorem ipsum ".repeat(8)}"},"n":{"Int":${i}}}}`);
}

function signedChain(count: number, key: SigningKey): Entry[] {
  const out: Entry[] = [];
  let parent = TREE;
  for (let i = 0; i < count; i++) {
    const entry = signEntry(
      new EntryBuilder(TREE).parents([parent]).height(i + 1).storeData("notes", payload(i)).storeParents("notes", i === 0 ? [] : [parent]).metadata(METADATA).build(),
      key,
    );
    out.push(entry);
    parent = entry.id;
  }
  return out;
}

/** The ~4 MiB response, its bytes and its entry count. */
export function fullIncremental(): { response: SyncResponse; bytes: Uint8Array; entries: number } {
  const key = SigningKey.fromSeed(new Uint8Array(32).fill(1));
  const chain = signedChain(6_000, key);
  const envelope = (missingEntries: Entry[]): SyncResponse => ({
    kind: "Incremental",
    incremental: { treeId: TREE, theirTips: [chain[chain.length - 1]!.id], missingEntries },
  });
  const fitted = fitEntries(chain, responseWireBytes(envelope([])));
  if (fitted.length === chain.length) throw new Error("the chain does not fill a message; make it longer");
  const response = envelope(fitted);
  const bytes = utf8(encodeResponse(response));
  if (bytes.length > LIMITS.messageBytes || bytes.length < LIMITS.messageBytes - 2_000) {
    throw new Error(`response is ${bytes.length} bytes, not just under ${LIMITS.messageBytes}`);
  }
  return { response, bytes, entries: fitted.length };
}

export function codecBenchmarks(): BenchResult[] {
  const { response, bytes, entries } = fullIncremental();
  const megabytes = bytes.length / 1e6;
  const lastId = response.kind === "Incremental" ? response.incremental.missingEntries[entries - 1]!.id : "";

  const decodeRate = measureRate(megabytes, () => {
    const decoded = decodeResponse(bytes);
    if (decoded.kind !== "Incremental" || decoded.incremental.missingEntries.length !== entries || decoded.incremental.missingEntries[entries - 1]!.id !== lastId) {
      throw new Error("decoded response differs");
    }
  });
  const encoder = new TextEncoder();
  const encodeRate = measureRate(megabytes, () => {
    const out = encoder.encode(encodeResponse(response));
    if (out.length !== bytes.length) throw new Error("encoded response differs");
  });

  return [
    { name: "decode_sync_response_mb_per_s", value: decodeRate, unit: "MB/s" },
    { name: "decode_sync_response_entries_per_s", value: decodeRate * (entries / megabytes), unit: "entries/s" },
    { name: "encode_sync_response_mb_per_s", value: encodeRate, unit: "MB/s" },
    { name: "sync_response_entries", value: entries, unit: "entries" },
    { name: "sync_response_bytes", value: bytes.length, unit: "bytes" },
  ];
}
