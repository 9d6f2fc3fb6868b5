/**
 * Test harness for the "verify before visible" ingest path (DESIGN 4.2, reliability 2.2):
 * deterministic instances, a backend that records its writes, a digest of what a receiver
 * exposes, and a log of write events.
 */
import { expect } from "vitest";
import {
  Instance,
  MemoryBackend,
  defaultEd25519,
  SigningKey,
  manualClock,
  seededRandom,
  type Ed25519Provider,
  type Entry,
  type ID,
  type IngestResult,
  type IngestVerdict,
  type ManualClock,
  type QuarantineLimits,
  type VerificationStatus,
  type WriteEvent,
} from "../../../src/index.js";

/** A {@link MemoryBackend} that records every `putEntries` call (the IDs it was given). */
export class RecordingBackend extends MemoryBackend {
  readonly puts: ID[][] = [];

  override async putEntries(entries: readonly Entry[], status?: VerificationStatus): Promise<ID[]> {
    this.puts.push(entries.map((e) => e.id));
    return super.putEntries(entries, status);
  }
}

/** An instance with a manual clock, seeded randomness and a {@link RecordingBackend}. */
export interface Node {
  readonly instance: Instance;
  readonly backend: RecordingBackend;
  readonly clock: ManualClock;
  /** Every write event, in order. */
  readonly events: WriteEvent[];
}

/** Creates a deterministic instance (same seed: same device key, same database IDs). */
export async function makeNode(
  seed: number,
  options: { readonly quarantine?: QuarantineLimits; readonly ed25519?: Ed25519Provider } = {},
): Promise<Node> {
  const { quarantine, ed25519 } = options;
  const backend = new RecordingBackend();
  const clock = manualClock();
  const instance = await Instance.create({
    backend,
    clock,
    random: seededRandom(seed),
    ...(quarantine === undefined ? {} : { quarantine }),
    ...(ed25519 === undefined ? {} : { ed25519 }),
  });
  const events: WriteEvent[] = [];
  instance.onWrite((event) => {
    events.push(event);
  });
  return { instance, backend, clock, events };
}

/** A deterministic key from a small number. */
export function keyFromSeed(n: number): SigningKey {
  return SigningKey.fromSeed(new Uint8Array(32).fill(n));
}

/**
 * What a receiver exposes about database `db` (and which databases it holds): the tips, every
 * entry reachable from them with its verification status, the entry count, the roots, the
 * store tips of `_settings`, and the instance's public record. Equal digests mean nothing
 * visible changed. Pass `withInstance: false` to compare two different instances.
 */
export async function storeDigest(instance: Instance, db: ID, options: { withInstance?: boolean } = {}): Promise<string> {
  const backend = instance.backend;
  const tips = await backend.treeTips(db);
  const reachable = await backend.ancestors(db, tips);
  const statuses = await Promise.all(reachable.map((e) => backend.getStatus(e.id)));
  return JSON.stringify({
    tips,
    ids: reachable.map((e, i) => `${e.id}:${statuses[i]}`),
    count: await backend.countEntries(db),
    roots: await backend.allRoots(),
    settingsTips: await backend.storeTips(db, "_settings"),
    instance: options.withInstance === false ? null : await backend.getInstanceRecord("metadata"),
  });
}

/** The verdict on entry `id` (exactly one must exist). */
export function verdictOf(result: IngestResult, id: ID): IngestVerdict {
  const found = result.verdicts.filter((v) => v.id === id);
  expect(found, `one verdict for ${id}`).toHaveLength(1);
  return found[0] as IngestVerdict;
}

/** Expects `id` rejected with `code` (and, if given, a message matching `message`). */
export function expectRejected(result: IngestResult, id: ID, code: string, message?: RegExp): void {
  const verdict = verdictOf(result, id);
  expect(verdict.status).toBe("rejected");
  expect(verdict.error?.code).toBe(code);
  if (message !== undefined) expect(verdict.error?.message).toMatch(message);
}

/** Verdicts as plain `[id, status, code?, message?]` rows, for comparing runs. */
export function verdictRows(result: IngestResult): string[][] {
  return result.verdicts.map((v) => [v.id, v.status, ...(v.error === undefined ? [] : [v.error.code, v.error.message])]);
}

/** Expects that none of `ids` is held or readable on `instance`. */
export async function expectNotHeld(instance: Instance, db: ID, ids: readonly ID[]): Promise<void> {
  for (const id of ids) {
    expect(await instance.backend.hasEntry(id), `${id} must not be held`).toBe(false);
    expect(await instance.backend.getEntry(id)).toBeUndefined();
  }
  const tips = await instance.backend.treeTips(db);
  for (const id of ids) expect(tips).not.toContain(id);
}

/** Fisher–Yates shuffle driven by a seeded generator (never Math.random). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextU32() % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Every permutation of a small list. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([item, ...rest]);
  });
  return out;
}

/** An Ed25519 provider that counts `verify` calls (to show that work was or was not done). */
export function countingEd25519(): Ed25519Provider & { verifies: number } {
  const base = defaultEd25519();
  const provider = {
    name: `counting-${base.name}`,
    verifies: 0,
    publicKey: (seed: Uint8Array) => base.publicKey(seed),
    signer: (seed: Uint8Array) => base.signer(seed),
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      provider.verifies++;
      return base.verify(publicKey, message, signature);
    },
  };
  return provider;
}
