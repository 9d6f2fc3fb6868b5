/**
 * {@link NonceBook}: which nonces a signed request may use (reliability H1). A nonce is either
 * a challenge this server issued in a handshake (outstanding for 60 s, usable once) or one
 * the client chose (Eidetica v0 clients do). Every nonce used is remembered for the freshness
 * window, so a replay inside it is refused.
 *
 * Replays across a restart: outstanding challenges live in memory and die with the process, so
 * a request signed over one can never be accepted by a later process. A request with a
 * client-chosen nonce is accepted only if it is timestamped at least one freshness window after
 * this process started: anything accepted by an earlier process was timestamped before that,
 * so it cannot be replayed here. Nothing needs persisting; the price is that clients using
 * their own nonces are asked to retry during the first minute after a restart. This project's
 * client always signs a fresh challenge.
 */
import { LIMITS, toHex, type PublicKeyText, type Random } from "@eidetica/core";

/**
 * What {@link NonceBook.consume} decided: `too_early` for a client nonce timestamped before
 * this process's first window ended, `full` when so many nonces are remembered that no more
 * can be (the request is refused rather than a remembered nonce forgotten).
 */
export type NonceVerdict = "ok" | "replay" | "too_early" | "full";

/** Most challenges outstanding at once; the oldest is dropped beyond it. */
export const MAX_OUTSTANDING_CHALLENGES = 10_000;
/** Most used nonces remembered at once. */
export const MAX_SPENT_NONCES = 200_000;

/** @internal */
export class NonceBook {
  /** When this process's book started: requests with client nonces must be newer than this plus the window. */
  readonly startedAt: number;
  readonly #random: Random;
  readonly #windowMs: number;
  /** hex challenge → when it expires; insertion order is expiry order. */
  readonly #challenges = new Map<string, number>();
  /** `key nonce` → when it may be forgotten; insertion order is (nearly) expiry order. */
  readonly #spent = new Map<string, number>();

  constructor(random: Random, now: number, windowMs: number = LIMITS.requestFreshnessMs) {
    this.#random = random;
    this.startedAt = now;
    this.#windowMs = windowMs;
  }

  /** Issues a new 32-byte challenge, usable once within the window. */
  issue(now: number): Uint8Array {
    this.#prune(now);
    const challenge = this.#random.bytes(32);
    if (this.#challenges.size >= MAX_OUTSTANDING_CHALLENGES) {
      const oldest = this.#challenges.keys().next().value;
      if (oldest !== undefined) this.#challenges.delete(oldest);
    }
    this.#challenges.set(toHex(challenge), now + this.#windowMs);
    return challenge;
  }

  /** Challenges outstanding now. */
  outstanding(now: number): number {
    this.#prune(now);
    return this.#challenges.size;
  }

  /**
   * Uses `nonce` for a request by `key` timestamped `timestampMs` (whose freshness and signature
   * were checked already).
   */
  consume(key: PublicKeyText, nonce: Uint8Array, timestampMs: number, now: number): NonceVerdict {
    this.#prune(now);
    const hex = toHex(nonce);
    const spentKey = `${key} ${hex}`;
    if (this.#spent.has(spentKey)) return "replay";
    if (this.#spent.size >= MAX_SPENT_NONCES) return "full";
    const issued = this.#challenges.delete(hex);
    if (!issued && timestampMs < this.startedAt + this.#windowMs) return "too_early";
    // A request can be replayed while its timestamp is fresh (up to `timestampMs + window`,
    // inclusive): its nonce is remembered at least that long.
    this.#spent.set(spentKey, Math.max(now, timestampMs) + this.#windowMs);
    return "ok";
  }

  // A challenge is outstanding for less than one window; a used nonce is kept while
  // `expires >= now`, since a request exactly one window old is still fresh.
  #prune(now: number): void {
    for (const [hex, expires] of this.#challenges) {
      if (expires > now) break;
      this.#challenges.delete(hex);
    }
    for (const [key, expires] of this.#spent) {
      if (expires >= now) break;
      this.#spent.delete(key);
    }
  }
}
