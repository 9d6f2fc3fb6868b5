/**
 * One seeded convergence run (DESIGN 4.1 "merge never fails", 4.2 "verify before visible",
 * 4.8 "deterministic under test"): 3–5 replicas share a database, commit random writes on
 * forks and deliver random subsets of their entries to each other in random orders with
 * duplicates; at the end everything is delivered everywhere and every replica must hold the
 * same entries, tips and byte-identical store states, equal to the (height, ID) fold computed
 * independently from the entries.
 */
import { expect } from "vitest";
import {
  compareIds,
  docToJson,
  hintOf,
  write,
  type Entry,
  type ID,
  type Transaction,
  type ValueInput,
} from "../../../src/index.js";
import { dependencies, foldStore, storeNamesOf, tipsOf } from "./oracle.js";
import { Replica } from "./replica.js";
import { Rng } from "./rng.js";

/** Counters over many runs, so a test can show the interesting cases really happened. */
export interface ConvergenceStats {
  runs: number;
  replicas: number;
  commits: number;
  /** Commits of transactions begun before later commits or deliveries on the same replica. */
  staleCommits: number;
  settingsCommits: number;
  multiStoreCommits: number;
  tableWrites: number;
  deletes: number;
  deliveries: number;
  deliveredEntries: number;
  /** Batches that listed an entry before one of its dependencies in the same batch. */
  outOfOrderBatches: number;
  /** `quarantined` verdicts: entries that arrived before a dependency was held. */
  quarantined: number;
  /** `duplicate` verdicts: entries already held or repeated within the batch. */
  duplicateVerdicts: number;
  /** Entries deliberately repeated inside a batch. */
  repeatedInBatch: number;
  /** Runs whose final DAG has an entry with two or more children. */
  forkedRuns: number;
  /** Entries with two or more main parents. */
  mergeEntries: number;
  /** Stores in which two or more entries have no store parent (concurrent first writes). */
  concurrentFirstWrites: number;
  runsWithConcurrentFirstWrites: number;
  /** Store states compared with the independent fold during runs (not counting the end). */
  midRunStateChecks: number;
}

export function newStats(): ConvergenceStats {
  return {
    runs: 0,
    replicas: 0,
    commits: 0,
    staleCommits: 0,
    settingsCommits: 0,
    multiStoreCommits: 0,
    tableWrites: 0,
    deletes: 0,
    deliveries: 0,
    deliveredEntries: 0,
    outOfOrderBatches: 0,
    quarantined: 0,
    duplicateVerdicts: 0,
    repeatedInBatch: 0,
    forkedRuns: 0,
    mergeEntries: 0,
    concurrentFirstWrites: 0,
    runsWithConcurrentFirstWrites: 0,
    midRunStateChecks: 0,
  };
}

/** What a run converged to: the common tips and each store's state as JSON. */
export interface RunOutcome {
  readonly tips: readonly ID[];
  readonly states: ReadonlyMap<string, string>;
}

type StoreKind = "doc" | "table";
interface StoreSpec {
  readonly name: string;
  readonly kind: StoreKind;
}
interface Row {
  readonly n: number;
  readonly by: string;
}

const PATHS = ["a", "b", "c", "a.x", "a.y", "n.deep.z", "n.w"] as const;

function randomValue(rng: Rng): ValueInput {
  switch (rng.int(6)) {
    case 0:
      return rng.int(1000);
    case 1:
      return `s${rng.int(1000)}`;
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return { k: rng.int(100), "m.n": `t${rng.int(100)}` };
    default:
      return [rng.int(10), rng.int(10)];
  }
}

/** The state of one run. */
class Run {
  readonly rng: Rng;
  readonly seed: number;
  readonly stats: ConvergenceStats;
  readonly replicas: Replica[] = [];
  readonly stores: StoreSpec[] = [
    { name: "notes", kind: "doc" },
    { name: "prefs", kind: "doc" },
    { name: "rows", kind: "table" },
  ];
  commits = 0;
  #fresh = 0;

  constructor(seed: number, stats: ConvergenceStats) {
    this.seed = seed;
    this.rng = new Rng(BigInt(seed) * 8n);
    this.stats = stats;
  }

  /** Replica 0 creates the database and grants the others Write(10); they receive it by ingest. */
  async setup(): Promise<void> {
    const count = this.rng.between(3, 5);
    for (let i = 0; i < count; i++) this.replicas.push(await Replica.create(`r${i}`, BigInt(this.seed) * 8n + BigInt(i + 1)));
    const [first, ...others] = this.replicas as [Replica, ...Replica[]];
    first.db = await first.instance.createDatabase({ name: `run-${this.seed}` });
    first.created.add(first.db.id);
    await first.commit(async (txn) => {
      const settings = await txn.settings();
      for (const other of others) settings.setAuthKey(other.instance.id, { permission: write(10), status: "Active" });
    });
    const genesis = await first.db.entries();
    for (const other of others) {
      const result = await other.instance.ingest(first.db.id, this.rng.shuffle(genesis), { from: first.name });
      expect(result.rejected, `${other.name} rejected the genesis entries`).toBe(0);
      other.db = await other.instance.openDatabase(first.db.id);
      expect(other.db.signingKey.publicKey).toBe(other.instance.id);
      expect(await other.db.canAccess(other.instance.id, write(10))).toBe(true);
    }
    this.stats.replicas += count;
  }

  /** Stages a random change to each of `stores` (and, for replica 0, sometimes to settings). */
  async stage(replica: Replica, txn: Transaction, stores: readonly StoreSpec[]): Promise<void> {
    for (const store of stores) {
      if (store.kind === "doc") {
        const doc = await txn.docStore(store.name);
        let wrote = false;
        for (let op = this.rng.between(1, 3); op > 0; op--) {
          if (this.rng.chance(0.3)) {
            if (doc.delete(this.rng.pick(PATHS))) {
              wrote = true;
              this.stats.deletes++;
            }
          } else {
            doc.set(this.rng.pick(PATHS), randomValue(this.rng));
            wrote = true;
          }
        }
        if (!wrote) doc.set(this.rng.pick(PATHS), randomValue(this.rng));
      } else {
        const table = await txn.table<Row>(store.name);
        const rows = table.all();
        const row: Row = { n: this.rng.int(1000), by: replica.name };
        const choice = rows.length === 0 ? 0 : this.rng.int(3);
        if (choice === 0) table.insert(row);
        else if (choice === 1) table.set(this.rng.pick(rows)[0], row);
        else {
          expect(table.delete(this.rng.pick(rows)[0])).toBe(true);
          this.stats.deletes++;
        }
        this.stats.tableWrites++;
      }
    }
    if (replica === this.replicas[0] && this.rng.chance(0.15)) {
      const settings = await txn.settings();
      settings.setName(`name-${this.rng.int(1000)}`);
      if (this.rng.chance(0.5)) settings.set(`misc.${this.rng.pick(["p", "q"])}`, this.rng.int(100));
      this.stats.settingsCommits++;
    }
    if (stores.length > 1) this.stats.multiStoreCommits++;
  }

  #pickStores(): StoreSpec[] {
    const count = this.rng.chance(0.25) ? this.rng.between(2, 3) : 1;
    return this.rng.shuffle(this.stores).slice(0, count);
  }

  #countCommit(): void {
    this.commits++;
    this.stats.commits++;
  }

  /** A replica commits a random write (or commits the transaction it began earlier). */
  async writeStep(): Promise<void> {
    const replica = this.rng.pick(this.replicas);
    const pending = replica.pending;
    if (pending !== undefined && this.rng.chance(0.6)) {
      replica.pending = undefined;
      await replica.commitPending(pending);
      this.stats.staleCommits++;
    } else {
      const stores = this.#pickStores();
      await replica.commit((txn) => this.stage(replica, txn, stores));
    }
    this.#countCommit();
    // The states a commit caches must equal the fold too.
    if (this.rng.chance(0.3)) await this.checkReplica(replica, await replica.db.entries(), true);
  }

  /** A replica begins a transaction, stages writes, and leaves it to commit later. */
  async beginStep(): Promise<void> {
    const replica = this.rng.pick(this.replicas);
    if (replica.pending !== undefined) return;
    const txn = await replica.db.newTransaction();
    await this.stage(replica, txn, this.#pickStores());
    replica.pending = txn;
  }

  /** Two replicas each write first to the same brand-new store, neither having seen the other's. */
  async twinFirstWriteStep(): Promise<void> {
    const [a, b] = this.rng.shuffle(this.replicas) as [Replica, Replica];
    const store: StoreSpec = { name: `fresh${this.#fresh++}`, kind: this.rng.chance(0.5) ? "doc" : "table" };
    this.stores.push(store);
    for (const replica of [a, b]) {
      const others = this.rng.chance(0.3) ? this.rng.shuffle(this.stores.slice(0, -1)).slice(0, 1) : [];
      await replica.commit((txn) => this.stage(replica, txn, [store, ...others]));
      this.#countCommit();
    }
  }

  /** `from` sends a random subset of its entries to `to`, in a random order, with repeats. */
  async deliverStep(): Promise<void> {
    const [from, to] = this.rng.shuffle(this.replicas) as [Replica, Replica];
    const all = await from.db.entries();
    let chosen = this.rng.subset(all, this.rng.pick([0.25, 0.5, 0.8, 1]));
    if (chosen.length === 0) chosen = [this.rng.pick(all)];
    const mode = this.rng.int(3);
    if (mode === 1) chosen.reverse();
    else if (mode === 2) chosen = this.rng.shuffle(chosen);
    const batch = this.#withRepeats(chosen, this.rng.int(3));
    for (const part of this.#split(batch, this.rng.chance(0.25) ? 2 : 1)) await this.ingest(to, part, from.name, this.rng.chance(0.5));
    this.stats.deliveries++;
  }

  #withRepeats(entries: readonly Entry[], repeats: number): Entry[] {
    const out = [...entries];
    for (let i = 0; i < repeats; i++) {
      out.splice(this.rng.int(out.length + 1), 0, this.rng.pick(entries));
      this.stats.repeatedInBatch++;
    }
    return out;
  }

  #split(entries: readonly Entry[], parts: number): Entry[][] {
    if (parts <= 1 || entries.length < 2) return [[...entries]];
    const cuts = [...new Set(Array.from({ length: parts - 1 }, () => 1 + this.rng.int(entries.length - 1)))].sort((x, y) => x - y);
    const out: Entry[][] = [];
    let start = 0;
    for (const cut of [...cuts, entries.length]) {
      out.push(entries.slice(start, cut));
      start = cut;
    }
    return out;
  }

  /** Ingests a batch into `to` and checks every verdict and what became visible. */
  async ingest(to: Replica, batch: readonly Entry[], peer: string, checkStates: boolean): Promise<void> {
    const before = new Set((await to.db.entries()).map((entry) => entry.id));
    const result = await to.db.ingest(batch, { from: peer });
    this.stats.deliveredEntries += batch.length;

    expect(result.verdicts.map((v) => v.id)).toEqual(batch.map((entry) => entry.id));
    const firstAt = new Map<ID, number>();
    batch.forEach((entry, i) => {
      if (!firstAt.has(entry.id)) firstAt.set(entry.id, i);
    });
    let outOfOrder = false;
    const listed = new Set<ID>();
    batch.forEach((entry, i) => {
      const verdict = result.verdicts[i];
      const where = `${to.name} <- ${peer}, batch item ${i} (${entry.id})`;
      expect(verdict?.status, `${where}: ${verdict?.error?.message ?? ""}`).not.toBe("rejected");
      if (listed.has(entry.id) || before.has(entry.id)) expect(verdict?.status, where).toBe("duplicate");
      else expect(verdict?.status, where).not.toBe("duplicate");
      listed.add(entry.id);
      if (dependencies(entry).some((dep) => (firstAt.get(dep) ?? -1) > i)) outOfOrder = true;
    });
    if (outOfOrder) this.stats.outOfOrderBatches++;
    this.stats.quarantined += result.quarantined;
    this.stats.duplicateVerdicts += result.duplicates;

    const after = await to.db.entries();
    const visible = new Set(after.map((entry) => entry.id));
    const newlyStored = new Set(result.stored);
    expect(newlyStored.size, "an entry reported stored twice").toBe(result.stored.length);
    for (const id of result.stored) expect(before.has(id), `${id} was already held`).toBe(false);
    expect([...visible].filter((id) => !before.has(id)).sort(compareIds)).toEqual([...newlyStored].sort(compareIds));
    // Visibility follows the first verdict for an ID (a repeat in the batch is a `duplicate`).
    for (const [id, i] of firstAt) {
      const verdict = result.verdicts[i] as (typeof result.verdicts)[number];
      expect(verdict.id).toBe(id);
      if (verdict.status === "quarantined") {
        expect(visible.has(verdict.id), `quarantined ${verdict.id} is visible`).toBe(false);
        expect(await to.db.entry(verdict.id)).toBeUndefined();
      } else {
        expect(visible.has(verdict.id), `${verdict.status} ${verdict.id} is not visible`).toBe(true);
      }
    }
    await this.checkReplica(to, after, checkStates);
  }

  /** Invariants of one replica: closed under dependencies, exact tips, states equal to the fold. */
  async checkReplica(replica: Replica, entries: readonly Entry[], checkStates: boolean): Promise<void> {
    const ids = new Set(entries.map((entry) => entry.id));
    for (const entry of entries) {
      for (const dep of dependencies(entry)) expect(ids.has(dep), `${replica.name} holds ${entry.id} without ${dep}`).toBe(true);
    }
    expect(await replica.instance.backend.countEntries(replica.db.id), `${replica.name} stores entries it does not show`).toBe(entries.length);
    expect(await replica.db.tips()).toEqual(tipsOf(entries));
    if (!checkStates) return;
    for (const store of storeNamesOf(entries)) {
      expect(docToJson(await replica.db.storeState(store)), `${replica.name} state of ${store}`).toBe(docToJson(foldStore(entries, store)));
      this.stats.midRunStateChecks++;
    }
  }

  /** Random steps until the run has made its commits. */
  async schedule(): Promise<void> {
    const target = this.rng.between(8, 25);
    while (this.commits < target) {
      const roll = this.rng.int(100);
      if (roll < 42) await this.writeStep();
      else if (roll < 50) await this.beginStep();
      else if (roll < 56) await this.twinFirstWriteStep();
      else await this.deliverStep();
    }
  }

  /** Commits what is pending, delivers everything everywhere, and checks convergence. */
  async finish(): Promise<RunOutcome> {
    for (const replica of this.rng.shuffle(this.replicas)) {
      const pending = replica.pending;
      if (pending === undefined) continue;
      replica.pending = undefined;
      await replica.commitPending(pending);
      this.stats.staleCommits++;
      this.#countCommit();
    }
    const union = new Map<ID, Entry>();
    for (const replica of this.replicas) for (const entry of await replica.db.entries()) union.set(entry.id, entry);
    const unionEntries = [...union.values()];
    for (const replica of this.rng.shuffle(this.replicas)) {
      const batch = this.#withRepeats(this.rng.shuffle(unionEntries), this.rng.int(4));
      const peer = this.rng.pick(this.replicas.filter((other) => other !== replica)).name;
      for (const part of this.#split(batch, this.rng.between(1, 3))) await this.ingest(replica, part, peer, false);
    }

    const expectedIds = [...union.keys()].sort(compareIds);
    const expectedTips = tipsOf(unionEntries);
    const stores = storeNamesOf(unionEntries);
    const expected = new Map(stores.map((store) => [store, docToJson(foldStore(unionEntries, store))]));
    const expectedInStore = new Map(
      stores.map((store) => [store, unionEntries.filter((entry) => entry.hasStore(store)).map((entry) => entry.id).sort(compareIds)]),
    );
    const reference = this.replicas[0] as Replica;
    const referenceStates = new Map<string, string>();
    for (const store of stores) referenceStates.set(store, docToJson(await reference.db.storeState(store)));
    for (const replica of this.replicas) {
      const where = `replica ${replica.name}`;
      expect((await replica.db.entries()).map((entry) => entry.id).sort(compareIds), `${where}: entry IDs`).toEqual(expectedIds);
      expect(await replica.db.tips(), `${where}: tips`).toEqual(expectedTips);
      expect(replica.instance.quarantineStatus().entries, `${where}: quarantine`).toBe(0);
      for (const store of stores) {
        const state = docToJson(await replica.db.storeState(store));
        expect(state, `${where}: state of ${store} differs from ${reference.name}'s`).toBe(referenceStates.get(store));
        expect(state, `${where}: state of ${store} differs from the (height, ID) fold`).toBe(expected.get(store));
        const storeTips = await replica.instance.backend.storeTips(replica.db.id, store);
        expect(storeTips, `${where}: tips of ${store}`).toEqual(await reference.instance.backend.storeTips(reference.db.id, store));
        const inStore = await replica.instance.backend.ancestors(replica.db.id, storeTips, { store });
        expect(inStore.map((entry) => entry.id).sort(compareIds), `${where}: entries of ${store}`).toEqual(expectedInStore.get(store));
      }
      // Write events: each entry exactly once per replica: local where committed, remote elsewhere.
      expect(replica.problems, `${where}: write events`).toEqual([]);
      expect(replica.instance.callbackErrors, `${where}: callback errors`).toBe(0);
      expect(replica.counts.size, `${where}: entries announced`).toBe(union.size);
      for (const id of expectedIds) {
        const wanted = replica.created.has(id) ? { local: 1, remote: 0 } : { local: 0, remote: 1 };
        expect(replica.counts.get(id), `${where}: events for ${id}`).toEqual(wanted);
      }
    }
    // Each entry is signed by the device key of the replica that committed it.
    for (const entry of unionEntries) {
      const creators = this.replicas.filter((replica) => replica.created.has(entry.id));
      expect(creators.length, `creators of ${entry.id}`).toBe(1);
      expect(hintOf(entry.sig.key).pubkey).toBe(creators[0]?.instance.id);
    }
    this.#countShape(unionEntries, stores);
    return { tips: expectedTips, states: expected };
  }

  #countShape(entries: readonly Entry[], stores: readonly string[]): void {
    const children = new Map<ID, number>();
    for (const entry of entries) {
      for (const parent of entry.parents) children.set(parent, (children.get(parent) ?? 0) + 1);
      if (entry.parents.length >= 2) this.stats.mergeEntries++;
    }
    if ([...children.values()].some((n) => n >= 2)) this.stats.forkedRuns++;
    let concurrentFirst = 0;
    for (const store of stores) {
      const firsts = entries.filter((entry) => entry.hasStore(store) && entry.storeParents(store).length === 0);
      if (firsts.length >= 2) concurrentFirst++;
    }
    this.stats.concurrentFirstWrites += concurrentFirst;
    if (concurrentFirst > 0) this.stats.runsWithConcurrentFirstWrites++;
  }
}

/** Runs one seeded simulation; throws (naming the seed) if any expectation fails. */
export async function runConvergence(seed: number, stats: ConvergenceStats): Promise<RunOutcome> {
  const run = new Run(seed, stats);
  try {
    await run.setup();
    await run.schedule();
    const outcome = await run.finish();
    stats.runs++;
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`convergence run with seed ${seed} failed: ${message}`, { cause: error });
  }
}
