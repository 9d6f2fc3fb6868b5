/** Retry delays (DESIGN 4.5, reliability F11): min(2^k s, 64 s), each ±20% from an injected random source. */
import type { Random } from "@eidetica/core";

/** How retries are spaced. */
export interface BackoffOptions {
  /** The delay before the first retry, doubled each time. Default 2,000 ms (2^1 s). */
  readonly firstMs?: number;
  /** The longest delay. Default 64,000 ms. */
  readonly maxMs?: number;
  /** The spread around each delay, as a fraction. Default 0.2 (±20%). */
  readonly jitter?: number;
}

const DEFAULT_MAX_MS = 64_000;
const DEFAULT_JITTER = 0.2;

/** A uniform float in [0, 1) from 4 random bytes. */
function uniform(random: Random): number {
  const [a = 0, b = 0, c = 0, d = 0] = random.bytes(4);
  return ((a << 24) >>> 0) / 2 ** 32 + ((b << 16) + (c << 8) + d) / 2 ** 32;
}

/**
 * The wait before retry number `attempt` (1 after the first failure): min(first × 2^(attempt-1),
 * max), times a factor drawn uniformly from [1 - jitter, 1 + jitter].
 *
 * @example
 * ```ts
 * backoffDelay(1, random); // 1,600..2,400 ms
 * backoffDelay(9, random); // 51,200..76,800 ms
 * ```
 */
export function backoffDelay(attempt: number, random: Random, options: BackoffOptions = {}): number {
  const first = options.firstMs ?? 2_000;
  const max = options.maxMs ?? DEFAULT_MAX_MS;
  const jitter = options.jitter ?? DEFAULT_JITTER;
  const base = Math.min(max, first * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter + 2 * jitter * uniform(random)));
}

/** The longest wait {@link backoffDelay} can give with `options`: the largest delay at its highest jitter. */
export function longestBackoff(options: BackoffOptions = {}): number {
  return (options.maxMs ?? DEFAULT_MAX_MS) * (1 + (options.jitter ?? DEFAULT_JITTER));
}
