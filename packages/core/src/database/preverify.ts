/**
 * Signatures of a batch checked ahead of ingest, all at once, when the provider can verify
 * many at a time (the node provider uses Node's thread pool, so every core works on it).
 * Ingest still decides every entry in order with the full rules; the only change is that the
 * one signature check it would do for an entry's named key is answered from this batch's
 * results when the key, message and signature are exactly those checked ahead.
 */
import { bytesEqual } from "../util/bytes.js";
import { fromBase64 } from "../util/base64.js";
import { parsePublicKey } from "../crypto/keys.js";
import type { Ed25519Provider, VerifyItem } from "../crypto/ed25519.js";
import type { Entry } from "../entry/entry.js";

interface Checked extends VerifyItem {
  readonly valid: boolean;
}

/** The signature checks done ahead for a batch, and a provider per entry that uses them. */
export class Preverified {
  readonly #checked: ReadonlyMap<Entry, Checked>;
  readonly #provider: Ed25519Provider;

  private constructor(provider: Ed25519Provider, checked: ReadonlyMap<Entry, Checked>) {
    this.#provider = provider;
    this.#checked = checked;
  }

  /**
   * Checks, through `provider.verifyMany`, the signature of every entry signed under a key
   * named in its hint. Without `verifyMany`, or for fewer than `minBatch` entries, nothing is
   * checked ahead.
   */
  static async check(provider: Ed25519Provider, entries: readonly Entry[], minBatch = 64): Promise<Preverified> {
    const checked = new Map<Entry, Checked>();
    if (provider.verifyMany === undefined || entries.length < minBatch) return new Preverified(provider, checked);
    const items: [Entry, VerifyItem][] = [];
    for (const entry of entries) {
      const sig = entry.sig.sig;
      const hint = "Direct" in entry.sig.key ? entry.sig.key.Direct.hint : undefined;
      if (sig === undefined || hint?.pubkey === undefined) continue;
      try {
        items.push([entry, { publicKey: parsePublicKey(hint.pubkey), message: entry.signingBytes(), signature: fromBase64(sig) }]);
      } catch {
        // A malformed key or signature: ingest finds and rejects it on its own.
      }
    }
    const valid = await provider.verifyMany(items.map(([, item]) => item));
    items.forEach(([entry, item], i) => checked.set(entry, { ...item, valid: valid[i] === true }));
    return new Preverified(provider, checked);
  }

  /** Entries checked ahead. */
  get size(): number {
    return this.#checked.size;
  }

  /** The provider to verify `entry` with: its check done ahead, answered from the results. */
  for(entry: Entry): Ed25519Provider {
    const done = this.#checked.get(entry);
    if (done === undefined) return this.#provider;
    const provider = this.#provider;
    return {
      name: provider.name,
      publicKey: (seed) => provider.publicKey(seed),
      signer: (seed) => provider.signer(seed),
      verify(publicKey, message, signature) {
        const same = bytesEqual(publicKey, done.publicKey) && bytesEqual(signature, done.signature) && bytesEqual(message, done.message);
        return same ? done.valid : provider.verify(publicKey, message, signature);
      },
    };
  }
}
