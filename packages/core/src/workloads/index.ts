/**
 * `@eidetica/core/workloads`: the benchmark workloads of @eidetica/core, for other packages
 * (and other backends) to measure against exactly the same work.
 *
 * @example
 * ```ts
 * import { commitRate, smallWriteHistory } from "@eidetica/core/workloads";
 * const { db } = await smallWriteHistory(10, 1, { backend });
 * console.log(await commitRate(db, 1_000));
 * ```
 * @packageDocumentation
 */
import type { Backend } from "../backend/backend.js";
import { Doc } from "../crdt/doc.js";
import { docToJsonBytes } from "../crdt/json.js";
import { EntryBuilder } from "../entry/builder.js";
import type { Entry } from "../entry/entry.js";
import { encodeEntryMetadata } from "../entry/metadata.js";
import { signEntry } from "../entry/signing.js";
import { INDEX_STORE, SETTINGS_STORE } from "../entry/types.js";
import type { Database } from "../database/database.js";
import { Instance } from "../database/instance.js";
import { entryToWire, decodeWireEntry, encodeWireEntry, parseWireEntry } from "../entry/wire.js";
import { assertEntrySignature } from "../entry/signing.js";
import type { Ed25519Provider } from "../crypto/ed25519.js";
import type { SigningKey } from "../crypto/keys.js";
import { idFromDagCbor } from "../id/id.js";
import { utf8 } from "../util/bytes.js";
import type { ID } from "../id/id.js";
import { manualClock } from "../util/clock.js";
import { seededRandom } from "../util/random.js";

/** Options of the history builders. */
export interface WorkloadOptions {
  /** Where the writing instance keeps its entries. Default: a new MemoryBackend. */
  readonly backend?: Backend;
}

async function newDatabase(seed: number, options: WorkloadOptions): Promise<{ instance: Instance; db: Database }> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const instance = await Instance.create({ random: seededRandom(seed), clock: manualClock(), ...backend });
  return { instance, db: await instance.createDatabase({ name: "bench" }) };
}

/**
 * A database of `entries` entries, root included: each commit writes one small value
 * (`k<i % 100>` = i) to the DocStore `notes`.
 */
export async function smallWriteHistory(
  entries: number,
  seed: number,
  options: WorkloadOptions = {},
): Promise<{ instance: Instance; db: Database }> {
  const made = await newDatabase(seed, options);
  for (let i = 1; i < entries; i++) {
    await made.db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`k${i % 100}`, i));
  }
  return made;
}

/**
 * The signed wire texts of a history shaped like the verify pipeline's entries: one parent and
 * one store write of about 200 bytes of Doc JSON each. The instance that wrote them is not
 * kept, so that measuring afterwards does not carry its heap.
 */
export async function pipelineShapedWire(commits: number, seed: number): Promise<{ dbId: ID; wire: string[] }> {
  const { db } = await newDatabase(seed, {});
  for (let i = 1; i <= commits; i++) {
    await db.withTransaction(async (txn) => {
      const notes = await txn.docStore("notes");
      notes.set("title", `entry number ${i} of the benchmark`);
      notes.set("body", "lorem ipsum ".repeat(8));
      notes.set("n", i);
    });
  }
  return { dbId: db.id, wire: (await db.entries()).map((entry) => JSON.stringify(entryToWire(entry))) };
}

/** Commits per second of one small DocStore write: the median of `rounds` timed rounds after one warm-up round. */
export async function commitRate(db: Database, commits: number, rounds = 5): Promise<number> {
  const rates: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < commits; i++) {
      await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("counter", i));
    }
    if (round >= 0) rates.push(commits / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/**
 * Ingests wire texts into `target` as one peer's pushes of 1,000 entries (decode and full
 * verification included) and returns entries per second. Throws if any entry is not stored.
 */
export async function ingestWireRate(target: Instance, dbId: ID, wire: readonly string[]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < wire.length; i += 1_000) {
    const batch = wire.slice(i, i + 1_000).map((text) => decodeWireEntry(JSON.parse(text)));
    const result = await target.ingest(dbId, batch, { from: "bench-peer" });
    if (result.rejected + result.quarantined > 0) throw new Error("bench ingest rejected entries");
  }
  return wire.length / ((performance.now() - start) / 1000);
}

/**
 * Appends a chain of `count` entries to `db`, each shaped like a commit of the verify
 * pipeline's entries (one parent, about 200 bytes of Doc JSON in the DocStore `notes`, the
 * settings pin of a commit, `notes` registered in `_index` by the first), signed by the
 * database handle's key. They are built and stored directly, without the per-commit
 * verification and state folding, so that a large history for a sync benchmark takes seconds
 * (the peer that receives them verifies every one). Returns the new entries, parents first.
 */
export async function appendSignedChain(db: Database, count: number): Promise<Entry[]> {
  const { backend } = db.instance;
  const settingsTips = await backend.storeTips(db.id, SETTINGS_STORE);
  const metadata = encodeEntryMetadata({ settingsTips, entropy: null });
  let tips = await db.tips();
  let height = Math.max(0, ...(await backend.getEntries(tips)).map((e) => e?.height ?? 0));
  let notesTips = await backend.storeTips(db.id, "notes");
  const registered = (await db.storeState(INDEX_STORE)).getText("notes.type") !== undefined;
  const out: Entry[] = [];
  for (let i = 1; i <= count; i++) {
    height++;
    const notes = new Doc().set("title", `entry number ${i} of the benchmark`).set("body", "lorem ipsum ".repeat(8)).set("n", i);
    const builder = new EntryBuilder(db.id).parents(tips).height(height).metadata(metadata).storeData("notes", docToJsonBytes(notes)).storeParents("notes", notesTips);
    if (i === 1 && !registered) {
      builder.storeData(INDEX_STORE, docToJsonBytes(new Doc().set("notes", Doc.from({ type: "docstore:v0", config: {} })))).storeParents(INDEX_STORE, await backend.storeTips(db.id, INDEX_STORE));
    }
    const entry = signEntry(builder.build(), db.signingKey);
    out.push(entry);
    tips = [entry.id];
    notesTips = [entry.id];
    if (out.length % 10_000 === 0) await backend.putEntries(out.slice(-10_000), "verified");
  }
  const rest = out.length % 10_000;
  if (rest > 0) await backend.putEntries(out.slice(-rest), "verified");
  return out;
}

const PIPELINE_ROOT = idFromDagCbor(utf8("bench root"));
const PIPELINE_METADATA = encodeEntryMetadata({ settingsTips: [PIPELINE_ROOT], entropy: null });

/**
 * Entry `i` of the verify pipeline workload: one parent, the DocStore `notes` holding about
 * 200 bytes of Doc JSON, signed by `key`.
 */
export function pipelineEntry(i: number, key: SigningKey): Entry {
  const parent = idFromDagCbor(utf8(`parent ${i}`));
  const payload = utf8(`{"children":{"title":{"Text":"entry number ${i} of the benchmark"},"body":{"Text":"${"lorem ipsum ".repeat(8)}"},"n":{"Int":${i}}}}`);
  const entry = new EntryBuilder(PIPELINE_ROOT).parents([parent]).height(i + 1).storeData("notes", payload).storeParents("notes", [parent]).metadata(PIPELINE_METADATA).build();
  const signed = signEntry(entry, key);
  void signed.id;
  return signed;
}

/** The wire texts of `count` pipeline entries signed by one key. */
export function pipelineTexts(count: number, key: SigningKey): string[] {
  return Array.from({ length: count }, (_, i) => encodeWireEntry(pipelineEntry(i, key)));
}

/**
 * One pass of the verify pipeline over wire texts: parse and validate, recompute the ID,
 * verify the signature (core's `verify_pipeline_entries_per_s` times this).
 */
export function verifyPipeline(texts: readonly string[], provider?: Ed25519Provider): void {
  for (const text of texts) {
    const entry = parseWireEntry(text);
    if (entry.id.length !== 59) throw new Error("bad id");
    assertEntrySignature(entry, undefined, provider);
  }
}
