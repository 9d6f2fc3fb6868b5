/**
 * parallelEd25519: batches verified across worker threads give exactly the calling thread's
 * answers (valid, tampered, malformed), before and after close; and ingest with it decides a
 * batch exactly as with the default provider.
 */
import { describe, expect, it } from "vitest";
import {
  Instance,
  SigningKey,
  defaultEd25519,
  manualClock,
  parallelEd25519,
  parsePublicKey,
  seededRandom,
  type Ed25519Provider,
  type VerifyItem,
} from "../../src/index.js";
import { withSignatureBitFlipped } from "../database/support/forge.js";

function items(n: number): { items: VerifyItem[]; expected: boolean[] } {
  const random = seededRandom(5);
  const keys = [1, 2, 3].map((s) => SigningKey.fromSeed(new Uint8Array(32).fill(s)));
  const out: VerifyItem[] = [];
  for (let i = 0; i < n; i++) {
    const key = keys[i % keys.length] as SigningKey;
    const message = random.bytes(20 + (i % 300));
    const signature = key.sign(message);
    const kind = random.nextU32() % 5;
    if (kind === 1) {
      const at = random.nextU32() % 64;
      signature[at] = (signature[at] as number) ^ (1 << random.nextU32() % 8);
    }
    const publicKey = parsePublicKey(key.publicKey);
    if (kind === 2) out.push({ publicKey: publicKey.slice(0, 31), message, signature });
    else if (kind === 3) out.push({ publicKey, message, signature: signature.slice(0, 63) });
    else out.push({ publicKey, message, signature });
  }
  const base = defaultEd25519();
  return { items: out, expected: out.map((item) => base.verify(item.publicKey, item.message, item.signature)) };
}

describe("parallelEd25519", () => {
  it("verifies a large batch over workers exactly as the calling thread does, and small ones alone", async () => {
    const parallel = parallelEd25519({ threads: 2, minBatch: 16 });
    try {
      const big = items(1_000);
      expect(big.expected.filter(Boolean).length).toBeGreaterThan(100);
      expect(big.expected.filter((v) => !v).length).toBeGreaterThan(100);
      expect(await parallel.verifyMany?.(big.items)).toEqual(big.expected);
      const small = items(10);
      expect(await parallel.verifyMany?.(small.items)).toEqual(small.expected);
      expect(parallel.verify(big.items[0]!.publicKey, big.items[0]!.message, big.items[0]!.signature)).toBe(big.expected[0]);
    } finally {
      await parallel.close();
    }
    // After close, batches are verified on the calling thread, with the same answers.
    const again = items(300);
    expect(await parallel.verifyMany?.(again.items)).toEqual(again.expected);
  });

  it("signs and derives keys as the default provider does", async () => {
    const parallel = parallelEd25519({ threads: 1 });
    const seed = new Uint8Array(32).fill(9);
    expect(parallel.publicKey(seed)).toEqual(defaultEd25519().publicKey(seed));
    expect(parallel.signer(seed)(new Uint8Array([1, 2]))).toEqual(defaultEd25519().signer(seed)(new Uint8Array([1, 2])));
    await parallel.close();
  });

  it("ingest decides a batch with some forged signatures exactly as with the default provider", async () => {
    const source = await Instance.create({ random: seededRandom(1), clock: manualClock() });
    const db = await source.createDatabase({ name: "batch" });
    for (let i = 0; i < 400; i++) await db.withTransaction(async (txn) => (await txn.docStore("s")).set(`k${i}`, i));
    const entries = await db.entries();
    // Flip a bit of every 37th signature: those entries and their descendants are rejected.
    const batch = entries.map((e, i) => (i > 0 && i % 37 === 0 ? withSignatureBitFlipped(e, i % 512) : e));
    const parallel = parallelEd25519({ threads: 1, minBatch: 64 });
    try {
      const run = async (ed25519?: Ed25519Provider) => {
        const target = await Instance.create({ random: seededRandom(2), clock: manualClock(), ...(ed25519 === undefined ? {} : { ed25519 }) });
        const result = await target.ingest(db.id, batch, { from: "peer" });
        return result.verdicts.map((v) => `${v.id} ${v.status} ${v.error?.code ?? ""} ${v.error?.message ?? ""}`);
      };
      let checkedAhead = 0;
      const counting = { ...parallel, verifyMany: (items: readonly VerifyItem[]) => ((checkedAhead += items.length), parallel.verifyMany!(items)) };
      const [plain, spread] = [await run(), await run(counting)];
      expect(spread).toEqual(plain);
      // Every entry whose parents are in the batch (or held) is checked ahead; a forged entry
      // has a new ID, so its child names a parent that never arrives and waits unchecked.
      const ids = new Set(batch.map((e) => e.id));
      const ready = batch.filter((e) => e.parents.every((p) => ids.has(p)));
      expect(checkedAhead, "the batch's signatures were checked ahead").toBe(ready.length);
      expect(plain.filter((v) => v.includes("BAD_SIGNATURE")).length).toBeGreaterThan(0);
      expect(plain.filter((v) => v.includes(" stored ")).length).toBe(37);
    } finally {
      await parallel.close();
    }
  });
});
