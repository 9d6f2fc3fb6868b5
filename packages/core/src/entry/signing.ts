/**
 * Signing and verifying entries (spec 1.4, 4.1): Ed25519 over the canonical encoding without
 * `sig.sig`; the signature is stored as padded standard base64.
 */
import { BadSignatureError } from "../errors/errors.js";
import { defaultEd25519, type Ed25519Provider } from "../crypto/ed25519.js";
import { parsePublicKey, type SigningKey } from "../crypto/keys.js";
import { fromBase64, toBase64 } from "../util/base64.js";
import type { Entry } from "./entry.js";
import { hintOf, sigInfoMalformedReason, type KeyHint, type PublicKeyText, type SigKey } from "./types.js";

/** Options of {@link signEntry}. */
export interface SignEntryOptions {
  /**
   * The key reference written into the entry (and covered by the signature). Default:
   * `{ Direct: { hint: { pubkey: key.publicKey } } }`.
   */
  readonly sigKey?: SigKey;
}

/**
 * Signs an entry: sets `sig.key`, signs the canonical bytes without `sig.sig`, and returns the
 * signed entry (a new entry with a new ID).
 *
 * @example
 * ```ts
 * const key = SigningKey.generate();
 * const signed = signEntry(EntryBuilder.root().build(), key);
 * verifyEntrySignature(signed); // true
 * ```
 */
export function signEntry(entry: Entry, key: SigningKey, options: SignEntryOptions = {}): Entry {
  const sigKey: SigKey = options.sigKey ?? { Direct: { hint: { pubkey: key.publicKey } } };
  const unsigned = entry.withSigInfo({ key: sigKey });
  const signature = key.sign(unsigned.signingBytes());
  return unsigned.withSigInfo({ key: sigKey, sig: toBase64(signature) });
}

/**
 * True if the entry carries a well-formed signature that `publicKey` made over it. Without
 * `publicKey`, the key named by the entry's hint is used (so only entries whose hint has a
 * `pubkey` can be checked that way). This checks the signature only, not whether the key may
 * write to the database.
 */
export function verifyEntrySignature(
  entry: Entry,
  publicKey?: PublicKeyText,
  provider: Ed25519Provider = defaultEd25519(),
): boolean {
  try {
    assertEntrySignature(entry, publicKey, provider);
    return true;
  } catch (error) {
    if (error instanceof BadSignatureError) return false;
    throw error;
  }
}

/**
 * Like {@link verifyEntrySignature} but throws a {@link BadSignatureError} saying what is wrong.
 * @throws {BadSignatureError}
 */
export function assertEntrySignature(
  entry: Entry,
  publicKey?: PublicKeyText,
  provider: Ed25519Provider = defaultEd25519(),
): void {
  const malformed = sigInfoMalformedReason(entry.sig);
  if (malformed !== undefined) throw new BadSignatureError(malformed);
  if (entry.sig.sig === undefined) throw new BadSignatureError("entry is not signed");
  const hint: KeyHint = hintOf(entry.sig.key);
  const signer = publicKey ?? hint.pubkey;
  if (signer === undefined) throw new BadSignatureError("no public key given and the key hint names none");
  let keyBytes: Uint8Array;
  let signature: Uint8Array;
  try {
    keyBytes = parsePublicKey(signer);
    signature = fromBase64(entry.sig.sig, "sig.sig");
  } catch (error) {
    throw new BadSignatureError("malformed public key or signature", { cause: error });
  }
  if (signature.length !== 64) throw new BadSignatureError(`a signature has 64 bytes, not ${signature.length}`);
  if (!provider.verify(keyBytes, entry.signingBytes(), signature)) {
    throw new BadSignatureError("signature does not verify");
  }
}
