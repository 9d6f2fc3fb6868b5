/**
 * Node's built-in Ed25519 and @noble/ed25519 must give identical bytes and accept each other's
 * signatures (DESIGN section 6), so a browser peer and a Node peer agree on every entry.
 */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EntryBuilder,
  SigningKey,
  defaultEd25519,
  formatPublicKey,
  isPublicKeyText,
  nobleEd25519,
  nodeEd25519,
  parsePublicKey,
  signEntry,
  toHex,
  verifyEntrySignature,
  verifySignature,
  assertEntrySignature,
  idFromDagCbor,
  utf8,
} from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { fcParams } from "@eidetica/test-kit";

const node = nodeEd25519()!;

describe("Ed25519 providers", () => {
  it("Node's crypto is found and is the default on Node", () => {
    expect(node.name).toBe("node");
    expect(defaultEd25519()).toBe(node);
  });

  it("derive the same public keys and signatures, and verify each other's", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        expect(toHex(node.publicKey(seed))).toBe(toHex(nobleEd25519.publicKey(seed)));
        const byNode = node.signer(seed)(msg);
        const byNoble = nobleEd25519.signer(seed)(msg);
        expect(toHex(byNode)).toBe(toHex(byNoble));
        const pub = node.publicKey(seed);
        expect(nobleEd25519.verify(pub, msg, byNode)).toBe(true);
        expect(node.verify(pub, msg, byNoble)).toBe(true);
        const tampered = byNode.slice();
        tampered[0]! ^= 1;
        expect(node.verify(pub, msg, tampered)).toBe(false);
        expect(nobleEd25519.verify(pub, msg, tampered)).toBe(false);
      }),
      fcParams(100),
    );
  });

  it("return false, never throw, for malformed keys and signatures", () => {
    const msg = utf8("m");
    const sig = node.signer(new Uint8Array(32))(msg);
    for (const provider of [node, nobleEd25519]) {
      expect(provider.verify(new Uint8Array(31), msg, sig)).toBe(false);
      expect(provider.verify(new Uint8Array(32).fill(0xff), msg, sig)).toBe(false);
      expect(provider.verify(node.publicKey(new Uint8Array(32)), msg, sig.subarray(0, 63))).toBe(false);
    }
  });

  it("sign entries that verify under the other provider", () => {
    const root = EntryBuilder.root().build();
    const seed = new Uint8Array(32).fill(9);
    const a = signEntry(root, SigningKey.fromSeed(seed, node));
    const b = signEntry(root, SigningKey.fromSeed(seed, nobleEd25519));
    expect(a.id).toBe(b.id);
    expect(verifyEntrySignature(a, undefined, nobleEd25519)).toBe(true);
    expect(verifyEntrySignature(b, undefined, node)).toBe(true);
  });
});

describe("key text forms", () => {
  const key = SigningKey.fromSeed(new Uint8Array(32).fill(1));

  it("round-trip public and private keys", () => {
    expect(formatPublicKey(parsePublicKey(key.publicKey))).toBe(key.publicKey);
    expect(SigningKey.fromString(key.toSecretString()).publicKey).toBe(key.publicKey);
    expect(isPublicKeyText(key.publicKey)).toBe(true);
    expect(verifySignature(key.publicKey, utf8("x"), key.sign(utf8("x")))).toBe(true);
    expect(verifySignature("ed25519:bad", utf8("x"), key.sign(utf8("x")))).toBe(false);
  });

  it("never show the secret when logged", () => {
    expect(String(key)).not.toContain(key.toSecretString().slice(8));
    expect(JSON.stringify(key)).not.toContain(key.toSecretString().slice(8));
  });

  it("reject malformed text with INVALID_KEY", () => {
    for (const bad of ["", "ed25519", "rsa:AAAA", "ed25519:AAAA", "ed25519:not base64!", `${key.publicKey}AA==`]) {
      expectCode(() => parsePublicKey(bad), "INVALID_KEY");
      expect(isPublicKeyText(bad)).toBe(false);
    }
    expectCode(() => SigningKey.fromSeed(new Uint8Array(31)), "INVALID_KEY");
    expectCode(() => SigningKey.fromString("ed25519:AAAA"), "INVALID_KEY");
  });
});

describe("entry signatures", () => {
  const key = SigningKey.fromSeed(new Uint8Array(32).fill(2));
  const entry = new EntryBuilder(idFromDagCbor(utf8("r"))).parents([idFromDagCbor(utf8("p"))]).build();

  it("give a typed BAD_SIGNATURE for each malformed case", () => {
    expectCode(() => assertEntrySignature(entry), "BAD_SIGNATURE"); // unsigned
    const hintOnly = entry.withSigInfo({ key: { Direct: { hint: { pubkey: key.publicKey } } } });
    expectCode(() => assertEntrySignature(hintOnly), "BAD_SIGNATURE");
    const sigOnly = entry.withSigInfo({ sig: "AA==", key: { Direct: { hint: {} } } });
    expectCode(() => assertEntrySignature(sigOnly, key.publicKey), "BAD_SIGNATURE");
    const delegation = entry.withSigInfo({ key: { Delegation: { path: [], hint: { pubkey: key.publicKey } } } });
    expectCode(() => assertEntrySignature(delegation), "BAD_SIGNATURE");
    const shortSig = signEntry(entry, key).withSigInfo({ sig: "AAAA", key: { Direct: { hint: { pubkey: key.publicKey } } } });
    expectCode(() => assertEntrySignature(shortSig), "BAD_SIGNATURE");
    const notBase64 = shortSig.withSigInfo({ sig: "!!!!", key: shortSig.sig.key });
    expectCode(() => assertEntrySignature(notBase64), "BAD_SIGNATURE");
  });

  it("cover the key hint: changing the hint breaks the signature", () => {
    const signed = signEntry(entry, key);
    expect(verifyEntrySignature(signed)).toBe(true);
    const renamed = signed.withSigInfo({ sig: signed.sig.sig!, key: { Direct: { hint: { pubkey: key.publicKey, name: "x" } } } });
    expect(verifyEntrySignature(renamed)).toBe(false);
  });
});
