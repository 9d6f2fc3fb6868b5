/**
 * verifyMany: the node provider's batch verification (on Node's thread pool) gives exactly
 * `verify`'s answers (valid, tampered, malformed), and ingest decides a batch exactly as it
 * does without it, while checking the batch's signatures ahead.
 */
import { describe, expect, it } from "vitest";
import { Instance, SigningKey, defaultEd25519, manualClock, nodeEd25519, parsePublicKey, seededRandom, type Ed25519Provider, type VerifyItem } from "../../src/index.js";
import { withSignatureBitFlipped } from "../../src/testing/index.js";

function items(n: number): VerifyItem[] {
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
    else if (kind === 4) out.push({ publicKey, message: random.bytes(10), signature });
    else out.push({ publicKey, message, signature });
  }
  return out;
}

/** The default provider without `verifyMany`: every check one at a time on this thread. */
function oneByOne(): Ed25519Provider {
  const base = defaultEd25519();
  return { name: "one-by-one", publicKey: (s) => base.publicKey(s), signer: (s) => base.signer(s), verify: (p, m, s) => base.verify(p, m, s) };
}

describe("verifyMany", () => {
  it("gives exactly verify's answers for a mixed batch of 2,000", async () => {
    const provider = nodeEd25519();
    expect(provider?.verifyMany).toBeDefined();
    const batch = items(2_000);
    const expected = batch.map((item) => provider!.verify(item.publicKey, item.message, item.signature));
    expect(expected.filter(Boolean).length).toBeGreaterThan(200);
    expect(expected.filter((v) => !v).length).toBeGreaterThan(200);
    expect(await provider!.verifyMany!(batch)).toEqual(expected);
    expect(await provider!.verifyMany!([])).toEqual([]);
  });

  it("ingest decides a batch with forged signatures exactly as one check at a time does, checking it ahead", async () => {
    const source = await Instance.create({ random: seededRandom(1), clock: manualClock() });
    const db = await source.createDatabase({ name: "batch" });
    for (let i = 0; i < 400; i++) await db.withTransaction(async (txn) => (await txn.docStore("s")).set(`k${i}`, i));
    // Every 37th signature has a bit flipped: those entries are rejected, and the rest of the chain after the first waits.
    const batch = (await db.entries()).map((e, i) => (i > 0 && i % 37 === 0 ? withSignatureBitFlipped(e, i % 512) : e));
    const run = async (ed25519: Ed25519Provider) => {
      const target = await Instance.create({ random: seededRandom(2), clock: manualClock(), ed25519 });
      const result = await target.ingest(db.id, batch, { from: "peer" });
      return result.verdicts.map((v) => `${v.id} ${v.status} ${v.error?.code ?? ""} ${v.error?.message ?? ""}`);
    };
    const base = defaultEd25519();
    let checkedAhead = 0;
    const counting: Ed25519Provider = { ...oneByOne(), verifyMany: (list) => ((checkedAhead += list.length), base.verifyMany!(list)) };
    const [plain, batched] = [await run(oneByOne()), await run(counting)];
    expect(batched).toEqual(plain);
    expect(plain.filter((v) => v.includes("BAD_SIGNATURE")).length).toBeGreaterThan(0);
    expect(plain.filter((v) => v.includes(" stored ")).length).toBe(37);
    // Every entry whose parents are in the batch is checked ahead; a forged entry has a new ID,
    // so its child names a parent that never arrives and waits unchecked.
    const ids = new Set(batch.map((e) => e.id));
    expect(checkedAhead).toBe(batch.filter((e) => e.parents.every((p) => ids.has(p))).length);
  });
});
