/**
 * A long state walk (here, a replica folding a whole history it ingested in one batch) caches
 * checkpoints on the way, so that a later read at an older tip stops early. Writing one costs
 * about its state's length, so a walk writes the next only once it has folded at least
 * CHECKPOINT_EVERY entries and as much store data as the last checkpoint held: a small state is
 * checkpointed every CHECKPOINT_EVERY entries, a growing one at geometrically spaced points,
 * and the checkpoints never cost much more than the fold itself.
 */
import { describe, expect, it } from "vitest";
import { Instance, MemoryBackend, manualClock, seededRandom, type Database, type ID } from "../../src/index.js";
import { CHECKPOINT_EVERY } from "../../src/database/state.js";

class CountingBackend extends MemoryBackend {
  readonly stateWrites: { key: string; chars: number }[] = [];
  override async putCachedState(key: string, state: string): Promise<void> {
    this.stateWrites.push({ key, chars: state.length });
    return super.putCachedState(key, state);
  }
}

const COMMITS = 3_000;

async function history(write: (i: number) => [string, string]): Promise<Database> {
  const instance = await Instance.create({ clock: manualClock(), random: seededRandom(7) });
  const db = await instance.createDatabase({ name: "walk" });
  for (let i = 0; i < COMMITS; i++) {
    const [key, value] = write(i);
    await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(key, value));
  }
  return db;
}

/** Ingests all of `db` into a fresh replica in one batch; returns the replica's `notes` checkpoints and state. */
async function replicate(db: Database): Promise<{ checkpoints: { key: string; chars: number }[]; foldedChars: number; state: unknown }> {
  const entries = await db.entries();
  const backend = new CountingBackend();
  const replica = await Instance.create({ backend, clock: manualClock(), random: seededRandom(8) });
  const result = await replica.ingest(db.id, entries, { from: "source" });
  expect(result.stored).toHaveLength(entries.length);
  const tip = (await db.tips())[0] as ID;
  const checkpoints = backend.stateWrites.filter((w) => w.key.includes("/notes/") && !w.key.endsWith(tip));
  const foldedChars = entries.reduce((n, entry) => n + (entry.storeData("notes")?.length ?? 0), 0);
  const state = (await (await replica.openDatabase(db.id)).storeState("notes")).toPlain();
  return { checkpoints, foldedChars, state };
}

describe("checkpoints of a long state walk", () => {
  it(`a small state (one key overwritten) is checkpointed every ${CHECKPOINT_EVERY} entries`, async () => {
    const db = await history((i) => ["counter", `v${i}`]);
    const { checkpoints, state } = await replicate(db);
    expect(checkpoints.length).toBeGreaterThanOrEqual(Math.floor(COMMITS / CHECKPOINT_EVERY) - 1);
    expect(checkpoints.length).toBeLessThanOrEqual(Math.floor(COMMITS / CHECKPOINT_EVERY));
    expect(state).toEqual({ counter: `v${COMMITS - 1}` });
  });

  it("a growing state (a new key each commit) is checkpointed at geometrically spaced points, costing at most twice the fold", async () => {
    const value = "x".repeat(100);
    const db = await history((i) => [`k${i}`, `${value}${i}`]);
    const { checkpoints, foldedChars, state } = await replicate(db);
    // Every CHECKPOINT_EVERY entries would be 5; spaced by the state's size, 512, 1,024 and 2,048.
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.length).toBeLessThanOrEqual(Math.ceil(Math.log2(COMMITS / CHECKPOINT_EVERY)) + 1);
    expect(checkpoints.reduce((n, c) => n + c.chars, 0)).toBeLessThanOrEqual(2 * foldedChars);
    expect(state).toEqual(Object.fromEntries(Array.from({ length: COMMITS }, (_, i) => [`k${i}`, `${value}${i}`])));
  }, 60_000);
});
