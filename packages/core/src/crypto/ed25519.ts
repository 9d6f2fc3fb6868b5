/**
 * Ed25519 providers. Node's built-in crypto (OpenSSL) is used where it exists and
 * `@noble/ed25519` elsewhere (browsers). Ed25519 is deterministic, so both give identical
 * signatures; tests check that each verifies the other's.
 */
import * as noble from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

/** The Ed25519 operations this project needs, over raw bytes. */
export interface Ed25519Provider {
  /** A short name for reports: `"node"` or `"noble"`. */
  readonly name: string;
  /** The 32-byte public key of a 32-byte seed. */
  publicKey(seed: Uint8Array): Uint8Array;
  /** Returns a function that signs with the seed; keeps any prepared key material inside. */
  signer(seed: Uint8Array): (message: Uint8Array) => Uint8Array;
  /**
   * True if `signature` (64 bytes) is a valid signature of `message` by `publicKey` (32 bytes).
   * Never throws: malformed keys and signatures give `false`.
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Optional: verifies many signatures at once, possibly on several threads (the node
   * provider uses Node's thread pool); the results are in input order and equal to
   * `verify`'s. Ingest uses it for large batches.
   */
  verifyMany?(items: readonly VerifyItem[]): Promise<boolean[]>;
}

/** One signature to check with {@link Ed25519Provider.verifyMany}. */
export interface VerifyItem {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

function ensureNobleHash(): void {
  noble.hashes.sha512 ??= sha512;
}

/**
 * The pure-JavaScript provider, for platforms without Node's crypto. Verification uses the
 * RFC 8032 rules (`zip215: false`), as OpenSSL does.
 */
export const nobleEd25519: Ed25519Provider = Object.freeze({
  name: "noble",
  publicKey(seed: Uint8Array): Uint8Array {
    ensureNobleHash();
    return noble.getPublicKey(seed);
  },
  signer(seed: Uint8Array): (message: Uint8Array) => Uint8Array {
    ensureNobleHash();
    const secret = seed.slice();
    return (message) => noble.sign(message, secret);
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    ensureNobleHash();
    try {
      return noble.verify(signature, message, publicKey, { zip215: false });
    } catch {
      // noble throws on keys that are not curve points; for a verifier that is just "invalid".
      return false;
    }
  },
});

type NodeCrypto = typeof import("node:crypto");
type KeyObject = import("node:crypto").KeyObject;

// DER prefixes that wrap a raw Ed25519 key as SPKI (public) and PKCS#8 (private).
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
const PKCS8_PREFIX = Uint8Array.of(
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
);
const PUBLIC_KEY_CACHE_SIZE = 4096;

function loadNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
}

function withPrefix(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix);
  out.set(key, prefix.length);
  return out;
}

function createNodeProvider(crypto: NodeCrypto): Ed25519Provider {
  // Parsing a DER key costs as much as a third of a verification: keep recent ones.
  const publicKeys = new Map<string, KeyObject>();
  const publicKeyObject = (publicKey: Uint8Array): KeyObject => {
    const cacheKey = String.fromCharCode(...publicKey);
    let keyObject = publicKeys.get(cacheKey);
    if (keyObject === undefined) {
      keyObject = crypto.createPublicKey({
        key: Buffer.from(withPrefix(SPKI_PREFIX, publicKey)),
        format: "der",
        type: "spki",
      });
      if (publicKeys.size >= PUBLIC_KEY_CACHE_SIZE) publicKeys.clear();
      publicKeys.set(cacheKey, keyObject);
    }
    return keyObject;
  };
  const privateKeyObject = (seed: Uint8Array): KeyObject =>
    crypto.createPrivateKey({ key: Buffer.from(withPrefix(PKCS8_PREFIX, seed)), format: "der", type: "pkcs8" });

  return Object.freeze({
    name: "node",
    publicKey(seed: Uint8Array): Uint8Array {
      const spki = crypto.createPublicKey(privateKeyObject(seed)).export({ format: "der", type: "spki" });
      return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
    },
    signer(seed: Uint8Array): (message: Uint8Array) => Uint8Array {
      const key = privateKeyObject(seed);
      return (message) => new Uint8Array(crypto.sign(null, message, key));
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      try {
        return crypto.verify(null, message, publicKeyObject(publicKey), signature);
      } catch {
        // OpenSSL rejects some malformed keys at parse time; for a verifier that is "invalid".
        return false;
      }
    },
    // Node runs a verification given a callback on its thread pool, so a batch is checked on
    // every core while this thread goes on with other work. The whole batch is queued at once
    // (at most a message's worth, 10,000), so the pool never waits for this thread.
    verifyMany(items: readonly VerifyItem[]): Promise<boolean[]> {
      return Promise.all(
        items.map(
          (item) =>
            new Promise<boolean>((resolve) => {
              if (item.publicKey.length !== 32 || item.signature.length !== 64) return resolve(false);
              try {
                crypto.verify(null, item.message, publicKeyObject(item.publicKey), item.signature, (error, valid) => resolve(error === null && valid));
              } catch {
                resolve(false);
              }
            }),
        ),
      );
    },
  });
}

let nodeProvider: Ed25519Provider | null | undefined;

/** The provider backed by Node's built-in crypto, or `undefined` where there is none. */
export function nodeEd25519(): Ed25519Provider | undefined {
  if (nodeProvider === undefined) {
    const crypto = loadNodeCrypto();
    nodeProvider = crypto === undefined ? null : createNodeProvider(crypto);
  }
  return nodeProvider ?? undefined;
}

/** The fastest provider on this platform: {@link nodeEd25519} if present, else {@link nobleEd25519}. */
export function defaultEd25519(): Ed25519Provider {
  return nodeEd25519() ?? nobleEd25519;
}
