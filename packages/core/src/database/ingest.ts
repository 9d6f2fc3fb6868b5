/**
 * Ingest of entries from a peer (DESIGN 4.2): every entry is verified before it is stored;
 * entries whose dependencies are missing wait in quarantine; the batch is resolved in a
 * deterministic, documented way (reliability E12):
 *
 * - Each input entry gets one verdict, in input order: `stored`, `duplicate` (already held or
 *   repeated in the batch: no second write, no second callback), `quarantined` (waiting for a
 *   parent or pinned settings entry), or `rejected` with a typed error.
 * - Entries are decided parents first, ties by (height, ID). An entry that fails verification
 *   is rejected, and so is every entry of the batch that depends on it. Valid entries that do
 *   not depend on a rejected one are stored.
 * - Entries already in quarantine (from any peer) are promoted in the same pass when the batch
 *   brings what they waited for.
 * - Everything accepted is written in one atomic backend batch.
 *
 * With `atomic: true` (a bootstrap, reliability E13) the batch is all or nothing: unless every
 * input entry is stored or a duplicate, nothing is written and nothing is quarantined; the
 * entries that failed keep their verdicts, the rest are `rejected` with `BATCH_REJECTED`.
 * An atomic batch neither promotes nor adds to the quarantine.
 */
import type { Backend } from "../backend/backend.js";
import type { Ed25519Provider } from "../crypto/ed25519.js";
import { compareByHeightThenId } from "../dag/order.js";
import { MinHeap } from "../dag/heap.js";
import type { Entry } from "../entry/entry.js";
import { BatchRejectedError, StorageCorruptedError, StorageError, isEideticaError, LimitExceededError, MalformedError, WrongDatabaseError, type EideticaError } from "../errors/errors.js";
import type { ID } from "../id/id.js";
import { overlaySource } from "./entry-source.js";
import { Preverified } from "./preverify.js";
import type { Quarantine } from "./quarantine.js";
import type { StateCache } from "./state.js";
import { dependenciesOf, verifyEntry } from "./verify.js";

/** The outcome for one entry of a batch. */
export type IngestStatus = "stored" | "duplicate" | "quarantined" | "rejected";

/** The verdict on one input entry. */
export interface IngestVerdict {
  readonly id: ID;
  readonly status: IngestStatus;
  /** Why it was rejected. */
  readonly error?: EideticaError;
}

/** The result of an ingest. */
export interface IngestResult {
  /** One verdict per input entry, in input order. */
  readonly verdicts: readonly IngestVerdict[];
  /** Every entry that became visible, parents first: input entries and promoted ones. */
  readonly stored: readonly ID[];
  readonly rejected: number;
  readonly quarantined: number;
  readonly duplicates: number;
}

/** What {@link ingestBatch} works with. */
export interface IngestContext {
  readonly tree: ID;
  readonly backend: Backend;
  readonly states: StateCache;
  readonly provider: Ed25519Provider;
  readonly quarantine: Quarantine;
}

interface Candidate {
  readonly entry: Entry;
  readonly id: ID;
  readonly height: number;
  readonly peer: string;
  readonly fromInput: boolean;
  internalDeps: number;
  missing: boolean;
  readonly dependents: Candidate[];
  decided?: { status: "stored" } | { status: "rejected"; error: EideticaError };
}

/** Verifies and stores a batch from `peer`; see the module documentation for the rules. */
export async function ingestBatch(
  context: IngestContext,
  entries: readonly Entry[],
  peer: string,
  atomic = false,
): Promise<{ result: IngestResult; stored: Entry[]; droppedFromQuarantine: { id: ID; peer: string; error: EideticaError }[] }> {
  const { tree, backend, quarantine } = context;
  quarantine.sweep();
  const verdicts: (IngestVerdict | ID)[] = [];
  const candidates = new Map<ID, Candidate>();
  const newCandidate = (entry: Entry, from: string, fromInput: boolean): Candidate => ({
    entry,
    id: entry.id,
    height: entry.height,
    peer: from,
    fromInput,
    internalDeps: 0,
    missing: false,
    dependents: [],
  });

  // One backend round trip for all the input IDs, one for all outside dependencies.
  const alreadyHeld = await heldAmong(backend, entries);
  for (const entry of entries) {
    const id = entry.id;
    if (!entry.inTree(tree)) {
      verdicts.push({ id, status: "rejected", error: new WrongDatabaseError(`entry ${id} belongs to another database`) });
    } else if (candidates.has(id) || alreadyHeld.has(id)) {
      verdicts.push({ id, status: "duplicate" });
    } else {
      candidates.set(id, newCandidate(entry, peer, true));
      verdicts.push(id);
    }
  }
  for (const waiting of atomic ? [] : quarantine.wokenBy(tree, [...candidates.keys()])) {
    if (!candidates.has(waiting.entry.id)) candidates.set(waiting.entry.id, newCandidate(waiting.entry, waiting.peer, false));
  }

  // Link each candidate to the candidates it depends on; note dependencies held nowhere.
  const reject = (candidate: Candidate, error: EideticaError) => {
    const stack = [candidate];
    candidate.decided = { status: "rejected", error };
    while (stack.length > 0) {
      for (const dependent of (stack.pop() as Candidate).dependents) {
        if (dependent.decided !== undefined) continue;
        dependent.decided = { status: "rejected", error: new MalformedError(`depends on rejected entry ${candidate.id}`) };
        stack.push(dependent);
      }
    }
  };
  const malformed: [Candidate, EideticaError][] = [];
  const depsOf = new Map<Candidate, ID[]>();
  const outside = new Set<ID>();
  for (const candidate of candidates.values()) {
    try {
      const deps = dependenciesOf(candidate.entry);
      depsOf.set(candidate, deps);
      for (const dep of deps) if (!candidates.has(dep)) outside.add(dep);
    } catch (error) {
      if (!isEideticaError(error)) throw error;
      malformed.push([candidate, error]);
    }
  }
  const outsideIds = [...outside];
  const outsideHeld = new Set(
    (await backend.getEntries(outsideIds)).flatMap((entry, i) => (entry === undefined ? [] : [outsideIds[i] as ID])),
  );
  for (const [candidate, deps] of depsOf) {
    for (const dep of deps) {
      const internal = candidates.get(dep);
      if (internal !== undefined) {
        internal.dependents.push(candidate);
        candidate.internalDeps++;
      } else if (!outsideHeld.has(dep)) {
        candidate.missing = true;
      }
    }
  }
  for (const [candidate, error] of malformed) reject(candidate, error);

  // Kahn's algorithm, lowest (height, ID) first.
  const ready = new MinHeap<Candidate>((a, b) => compareByHeightThenId(a, b) < 0);
  for (const candidate of candidates.values()) {
    if (candidate.decided === undefined && !candidate.missing && candidate.internalDeps === 0) ready.push(candidate);
  }
  const staged = new Map<ID, Entry>();
  const accepted: Entry[] = [];
  const source = overlaySource(backend, staged);
  // With a provider that verifies many at once (on several threads), the batch's signatures
  // are checked together first; each entry is still decided below by the full rules.
  const ahead = await Preverified.check(context.provider, [...candidates.values()].filter((c) => c.decided === undefined && !c.missing).map((c) => c.entry));
  for (let candidate = ready.pop(); candidate !== undefined; candidate = ready.pop()) {
    if (candidate.decided !== undefined) continue;
    try {
      await verifyEntry(candidate.entry, { tree, source, states: context.states, provider: ahead.for(candidate.entry) });
    } catch (error) {
      // A storage failure says nothing about the entry: the whole ingest fails (no verdict,
      // no acknowledgement), so the sender retries (reliability F12).
      if (!isEideticaError(error) || error instanceof StorageError) throw error;
      reject(candidate, error);
      continue;
    }
    candidate.decided = { status: "stored" };
    staged.set(candidate.id, candidate.entry);
    accepted.push(candidate.entry);
    for (const dependent of candidate.dependents) {
      dependent.internalDeps--;
      if (dependent.internalDeps === 0 && !dependent.missing && dependent.decided === undefined) ready.push(dependent);
    }
  }

  if (atomic) {
    const failed = [...candidates.values()].find((c) => c.decided?.status !== "stored");
    const refusal = verdicts.find((v): v is IngestVerdict => typeof v !== "string" && v.status === "rejected");
    if (failed !== undefined || refusal !== undefined) return refuseBatch(verdicts, candidates, failed?.id ?? refusal?.id ?? "");
  }
  if (accepted.length > 0) await backend.putEntries(accepted, "verified");
  let rejected = 0;
  let quarantined = 0;
  let duplicates = 0;
  // Waiting entries (not of this batch) that failed verification: reported so that the peer
  // that sent them is charged (reliability U5), since they get no verdict here.
  const droppedFromQuarantine: { id: ID; peer: string; error: EideticaError }[] = [];
  for (const candidate of candidates.values()) {
    if (candidate.decided !== undefined) quarantine.remove(candidate.id);
    else if (candidate.fromInput) quarantine.add(candidate.peer, tree, candidate.entry, dependenciesOf(candidate.entry));
    if (!candidate.fromInput && candidate.decided?.status === "rejected") {
      droppedFromQuarantine.push({ id: candidate.id, peer: candidate.peer, error: candidate.decided.error });
    }
  }
  const final = verdicts.map((verdict): IngestVerdict => {
    if (typeof verdict !== "string") return verdict;
    const decided = candidates.get(verdict)?.decided;
    if (decided === undefined) {
      if (quarantine.has(verdict)) return { id: verdict, status: "quarantined" };
      const error = new LimitExceededError("quarantineEntriesPerPeer", quarantine.limits.entriesPerPeer, quarantine.size(peer).entries + 1);
      return { id: verdict, status: "rejected", error };
    }
    return decided.status === "stored" ? { id: verdict, status: "stored" } : { id: verdict, ...decided };
  });
  for (const verdict of final) {
    if (verdict.status === "rejected") rejected++;
    else if (verdict.status === "quarantined") quarantined++;
    else if (verdict.status === "duplicate") duplicates++;
  }
  return {
    result: { verdicts: final, stored: accepted.map((e) => e.id), rejected, quarantined, duplicates },
    stored: accepted,
    droppedFromQuarantine,
  };
}

/** The result of an atomic batch that is refused: nothing stored, nothing quarantined. */
function refuseBatch(
  verdicts: readonly (IngestVerdict | ID)[],
  candidates: ReadonlyMap<ID, Candidate>,
  culprit: ID,
): { result: IngestResult; stored: Entry[]; droppedFromQuarantine: [] } {
  const final = verdicts.map((verdict): IngestVerdict => {
    if (typeof verdict !== "string") return verdict;
    const decided = candidates.get(verdict)?.decided;
    if (decided?.status === "rejected") return { id: verdict, ...decided };
    const why = decided === undefined ? "its dependencies are not all in the batch" : `entry ${culprit} was refused`;
    return { id: verdict, status: "rejected", error: new BatchRejectedError(`all-or-nothing batch refused: ${why}`) };
  });
  const count = (status: IngestStatus) => final.filter((v) => v.status === status).length;
  return {
    result: { verdicts: final, stored: [], rejected: count("rejected"), quarantined: 0, duplicates: count("duplicate") },
    stored: [],
    droppedFromQuarantine: [],
  };
}

/**
 * The IDs of `entries` the backend already holds. A held copy found corrupted is rewritten
 * from the incoming entry when the backend can repair (the incoming entry is, by its ID, the
 * same entry), so a peer re-sending it heals the store; otherwise the corruption is reported.
 */
async function heldAmong(backend: Backend, entries: readonly Entry[]): Promise<Set<ID>> {
  try {
    return new Set((await backend.getEntries(entries.map((e) => e.id))).flatMap((e) => (e === undefined ? [] : [e.id])));
  } catch (error) {
    if (!(error instanceof StorageCorruptedError) || backend.repairEntry === undefined) throw error;
  }
  const held = new Set<ID>();
  for (const entry of entries) {
    try {
      if ((await backend.getEntry(entry.id)) !== undefined) held.add(entry.id);
    } catch (error) {
      if (!(error instanceof StorageCorruptedError)) throw error;
      if (await backend.repairEntry?.(entry)) held.add(entry.id);
    }
  }
  return held;
}
