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
import { SigningKey, nobleEd25519, nodeEd25519, type Ed25519Provider } from "../src/index.js";
import { pipelineEntry, pipelineTexts, verifyPipeline } from "../src/workloads/index.js";

function verifyRate(texts: readonly string[], provider: Ed25519Provider): number {
  return measureRate(texts.length, () => verifyPipeline(texts, provider));
}

function signRate(count: number, key: SigningKey): number {
  return measureRate(count, () => {
    for (let i = 0; i < count; i++) pipelineEntry(i, key);
  });
}

/** The entry pipeline figures (verify and sign rates, Node crypto and noble). */
export function entryBenchmarks(): BenchResult[] {
  const node = nodeEd25519();
  if (node === undefined) throw new Error("the core benchmark needs Node's crypto");
  const seed = new Uint8Array(32).fill(3);
  const nodeKey = SigningKey.fromSeed(seed, node);
  const nobleKey = SigningKey.fromSeed(seed, nobleEd25519);
  const texts = pipelineTexts(10_000, nodeKey);
  const averageBytes = Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length);
  return [
    { name: "verify_pipeline_entries_per_s", value: verifyRate(texts, node), unit: "entries/s", goal: ">= 6,500" },
    { name: "sign_encode_entries_per_s", value: signRate(10_000, nodeKey), unit: "entries/s", goal: ">= 15,000" },
    { name: "verify_pipeline_noble_entries_per_s", value: verifyRate(texts.slice(0, 1_000), nobleEd25519), unit: "entries/s" },
    { name: "sign_encode_noble_entries_per_s", value: signRate(1_000, nobleKey), unit: "entries/s" },
    { name: "wire_entry_bytes", value: averageBytes, unit: "bytes" },
  ];
}
