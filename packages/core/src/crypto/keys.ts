/**
 * Ed25519 keys in Eidetica's text forms (spec 4.1): `ed25519:<padded standard base64>` of the
 * 32-byte public key, and of the 32-byte seed for a private key.
 */
import { InvalidKeyError } from "../errors/errors.js";
import { fromBase64, toBase64 } from "../util/base64.js";
import { systemRandom, type Random } from "../util/random.js";
import type { PublicKeyText } from "../entry/types.js";
import { defaultEd25519, type Ed25519Provider } from "./ed25519.js";

const PREFIX = "ed25519:";

/** Formats a 32-byte Ed25519 public key as `ed25519:<base64>`. */
export function formatPublicKey(bytes: Uint8Array): PublicKeyText {
  if (bytes.length !== 32) throw new InvalidKeyError(`an Ed25519 public key has 32 bytes, not ${bytes.length}`);
  return PREFIX + toBase64(bytes);
}

/**
 * Parses `ed25519:<base64>` into the 32 key bytes.
 * @throws {InvalidKeyError} if the prefix, the base64 or the length is wrong.
 */
export function parsePublicKey(text: string): Uint8Array {
  return parseKeyText(text, "public");
}

/** True if `text` is a well-formed public key text. */
export function isPublicKeyText(text: unknown): text is PublicKeyText {
  if (typeof text !== "string") return false;
  try {
    parsePublicKey(text);
    return true;
  } catch {
    return false;
  }
}

function parseKeyText(text: string, kind: string): Uint8Array {
  if (!text.startsWith(PREFIX)) {
    const algorithm = text.includes(":") ? text.slice(0, text.indexOf(":")).slice(0, 32) : "";
    throw new InvalidKeyError(
      algorithm === "" ? "expected 'ed25519:<base64>'" : `unknown key algorithm ${JSON.stringify(algorithm)}`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text.slice(PREFIX.length));
  } catch (error) {
    throw new InvalidKeyError(`invalid base64 in ${kind} key`, { cause: error });
  }
  if (bytes.length !== 32) throw new InvalidKeyError(`an Ed25519 ${kind} key has 32 bytes, not ${bytes.length}`);
  return bytes;
}

/**
 * An Ed25519 private key (a 32-byte seed) with its public key.
 *
 * @example
 * ```ts
 * const key = SigningKey.generate();
 * key.publicKey;                 // "ed25519:…"
 * const signature = key.sign(utf8("hello"));
 * verifySignature(key.publicKey, utf8("hello"), signature); // true
 * ```
 */
export class SigningKey {
  /** The public key in text form. */
  readonly publicKey: PublicKeyText;
  /** The 32 public key bytes. */
  readonly publicKeyBytes: Uint8Array;
  readonly #seed: Uint8Array;
  readonly #sign: (message: Uint8Array) => Uint8Array;

  private constructor(seed: Uint8Array, provider: Ed25519Provider) {
    this.#seed = seed.slice();
    this.publicKeyBytes = provider.publicKey(this.#seed);
    this.publicKey = formatPublicKey(this.publicKeyBytes);
    this.#sign = provider.signer(this.#seed);
  }

  /**
   * A key from a 32-byte seed.
   * @throws {InvalidKeyError} if the seed is not 32 bytes.
   */
  static fromSeed(seed: Uint8Array, provider: Ed25519Provider = defaultEd25519()): SigningKey {
    if (seed.length !== 32) throw new InvalidKeyError(`an Ed25519 seed has 32 bytes, not ${seed.length}`);
    return new SigningKey(seed, provider);
  }

  /** A new random key. */
  static generate(random: Random = systemRandom, provider: Ed25519Provider = defaultEd25519()): SigningKey {
    return new SigningKey(random.bytes(32), provider);
  }

  /**
   * Parses the private key text form `ed25519:<base64 of the seed>`.
   * @throws {InvalidKeyError} if the text is not of that form.
   */
  static fromString(text: string, provider: Ed25519Provider = defaultEd25519()): SigningKey {
    return new SigningKey(parseKeyText(text, "private"), provider);
  }

  /** Signs `message`, returning the 64-byte signature. */
  sign(message: Uint8Array): Uint8Array {
    return this.#sign(message);
  }

  /** A copy of the 32-byte seed. Handle with care. */
  seed(): Uint8Array {
    return this.#seed.slice();
  }

  /** The private key text form `ed25519:<base64 of the seed>`. Handle with care. */
  toSecretString(): string {
    return PREFIX + toBase64(this.#seed);
  }

  /** Shows only the public key, so that logging a key never leaks it. */
  toString(): string {
    return `SigningKey(${this.publicKey})`;
  }

  /** Shows only the public key in JSON too. */
  toJSON(): { publicKey: PublicKeyText } {
    return { publicKey: this.publicKey };
  }
}

/**
 * True if `signature` is a valid Ed25519 signature of `message` by `publicKey` (text form).
 * Never throws for a bad signature; a malformed key text gives `false` too.
 */
export function verifySignature(
  publicKey: PublicKeyText,
  message: Uint8Array,
  signature: Uint8Array,
  provider: Ed25519Provider = defaultEd25519(),
): boolean {
  let keyBytes: Uint8Array;
  try {
    keyBytes = parsePublicKey(publicKey);
  } catch {
    return false;
  }
  return provider.verify(keyBytes, message, signature);
}
