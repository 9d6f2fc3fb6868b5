/**
 * The invariants a cluster must hold after quiescence (reliability section 3, I1-I6; I7, that
 * a fault was injected at all, is the caller's to check from the run's counts).
 */
import { Instance, docToJson, seededRandom, type ID } from "@eidetica/core";
import type { SimCluster, SimPeer } from "./cluster.js";

/** What {@link checkInvariants} found: one line per violation, none when all hold. */
export interface InvariantReport {
  readonly violations: readonly string[];
  /** Entries each peer holds (all equal when I2 holds). */
  readonly entries: number;
}

/**
 * Checks, over `peers` (default all):
 * - I1 the same tip set everywhere;
 * - I2 the same entry IDs everywhere;
 * - I3 every acknowledged write on every peer;
 * - I4 every stored entry valid: a fresh instance verifies and stores all of them, all or nothing;
 * - I5 the same materialized state of each store, byte for byte;
 * - I6 no duplicate entries, peers or relationships.
 */
export async function checkInvariants(cluster: SimCluster, peers: readonly SimPeer[] = cluster.peers): Promise<InvariantReport> {
  const violations: string[] = [];
  const db = cluster.db;
  const facts = await Promise.all(
    peers.map(async (peer) => {
      const { backend } = peer.instance;
      const tips = await backend.treeTips(db);
      const entries = await backend.ancestors(db, tips);
      const handle = await peer.instance.openDatabase(db);
      const states = (await Promise.all(["notes", "_settings", "_index"].map((store) => handle.storeState(store)))).map(docToJson).join("|");
      return { peer, tips: tips.join(","), ids: entries.map((e) => e.id), entries, count: await backend.countEntries(db), states };
    }),
  );
  const [first] = facts;
  if (first === undefined) return { violations, entries: 0 };
  for (const fact of facts) {
    const name = fact.peer.name;
    if (fact.tips !== first.tips) violations.push(`I1: ${name} has tips ${fact.tips}, ${first.peer.name} has ${first.tips}`);
    if (fact.ids.join(",") !== first.ids.join(",")) violations.push(`I2: ${name} holds ${fact.ids.length} entries, ${first.peer.name} ${first.ids.length}`);
    const held = new Set(fact.ids);
    const lost = cluster.acknowledged.filter((id) => !held.has(id));
    if (lost.length > 0) violations.push(`I3: ${name} lacks ${lost.length} acknowledged writes (first ${lost[0]})`);
    if (fact.states !== first.states) violations.push(`I5: ${name}'s state differs from ${first.peer.name}'s`);
    if (held.size !== fact.ids.length || fact.count !== held.size) violations.push(`I6: ${name} counts ${fact.count} entries for ${held.size} distinct`);
    const peerKeys = fact.peer.sync.store.peers.list().map((p) => p.pubkey);
    if (new Set(peerKeys).size !== peerKeys.length) violations.push(`I6: ${name} has duplicate peer records`);
    const relations = fact.peer.sync.store.relationships.list().map((r) => `${r.peer} ${r.database}`);
    if (new Set(relations).size !== relations.length) violations.push(`I6: ${name} has duplicate relationships`);
  }
  violations.push(...(await allValid(db, first.entries)));
  return { violations, entries: first.ids.length };
}

/** I4: a fresh instance verifies and stores every entry (parents first), all or nothing. */
async function allValid(db: ID, entries: readonly import("@eidetica/core").Entry[]): Promise<string[]> {
  const checker = await Instance.create({ random: seededRandom(0) });
  const out: string[] = [];
  for (let i = 0; i < entries.length; i += 10_000) {
    const result = await checker.ingest(db, entries.slice(i, i + 10_000), { from: "invariants", atomic: true });
    const bad = result.verdicts.find((v) => v.status === "rejected");
    if (bad !== undefined) out.push(`I4: entry ${bad.id} does not verify: ${bad.error?.code} ${bad.error?.message}`);
  }
  return out;
}
