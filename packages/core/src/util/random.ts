/**
 * Injected randomness. Everything in @eidetica that needs random bytes (entropy in root entries,
 * list positions, nonces) takes a {@link Random}, so a test can replay a run from a seed.
 */
export interface Random {
  /** Returns `length` fresh random bytes. */
  bytes(length: number): Uint8Array;
}

/**
 * Cryptographically secure randomness from `globalThis.crypto.getRandomValues`
 * (Node 20+, browsers, Deno, Bun). The default wherever a {@link Random} is optional.
 */
export const systemRandom: Random = Object.freeze({
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    // getRandomValues fills at most 65,536 bytes per call.
    for (let offset = 0; offset < length; offset += 65_536) {
      globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65_536)));
    }
    return out;
  },
});

/**
 * A deterministic {@link Random} for tests and simulations: the same seed gives the same bytes
 * on every platform. Not for keys or nonces in production.
 *
 * The generator is SplitMix64, which passes BigCrush and needs only a 64-bit state.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random.bytes(4); // the same four bytes on every run
 * ```
 */
export function seededRandom(seed: number | bigint): Random & { nextU32(): number; nextFloat(): number } {
  const mask = (1n << 64n) - 1n;
  let state = BigInt.asUintN(64, BigInt(seed));
  const next64 = (): bigint => {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  };
  return {
    bytes(length: number): Uint8Array {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += 8) {
        let word = next64();
        for (let j = i; j < Math.min(length, i + 8); j++) {
          out[j] = Number(word & 0xffn);
          word >>= 8n;
        }
      }
      return out;
    },
    nextU32(): number {
      return Number(next64() >> 32n);
    },
    nextFloat(): number {
      return Number(next64() >> 11n) / 2 ** 53;
    },
  };
}

/** Reads a little-endian unsigned 64-bit integer from 8 random bytes. */
export function randomU64(random: Random): bigint {
  const bytes = random.bytes(8);
  let value = 0n;
  for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value;
}

/** Formats 16 random bytes as an RFC 4122 version-4 UUID string (lower-case hex). */
export function randomUuidV4(random: Random): string {
  const b = random.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  let hex = "";
  for (const byte of b) hex += byte.toString(16).padStart(2, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
