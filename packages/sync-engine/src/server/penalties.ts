/**
 * {@link Penalties}: invalid requests counted per sender, a stepped delay before each answer,
 * and a timed ban after too many (reliability R6, with Hypercore's thresholds).
 */
import type { Clock, PublicKeyText } from "@eidetica/core";
import type { PeerStore } from "@eidetica/peer-store";
import type { RequestContext } from "@eidetica/protocol";
import type { Logger } from "../logger.js";

/** The limits of {@link Penalties}. */
export interface PenaltyOptions {
  /** Invalid requests after which a sender is banned. Default 64. */
  readonly banAfter?: number;
  /** How long a ban lasts, in milliseconds. Default 5 minutes. */
  readonly banMs?: number;
  /**
   * The delay before answering a sender's n-th invalid request: `[below, ms]` pairs, the first
   * whose `below` is above the number of earlier invalid requests applies, else the last.
   * Default Hypercore's: 200 ms below 2, 500 ms below 5, 1 s below 40, then 5 s.
   */
  readonly steps?: readonly (readonly [number, number])[];
  /** A sender's count starts again after this many milliseconds without an invalid request. Default 10 minutes. */
  readonly forgetAfterMs?: number;
}

/** Most senders whose counts are kept; the least recently seen is forgotten beyond it. */
export const MAX_COUNTED_SENDERS = 10_000;

const DEFAULT_STEPS: readonly (readonly [number, number])[] = [
  [2, 200],
  [5, 500],
  [40, 1_000],
  [Number.POSITIVE_INFINITY, 5_000],
];

/** Who sent a request: its proven key, else the address it came from. */
export function subjectOf(context: RequestContext, provenKey?: PublicKeyText): string {
  const key = provenKey ?? context.peerKey;
  if (key !== undefined) return `key:${key}`;
  const address = context.remoteAddress;
  if (address === undefined) return `transport:${context.transportType}`;
  // An HTTP client's source port changes with each connection: count its host.
  const host = address.transportType === "http" ? address.address.replace(/:\d+$/, "") : address.address;
  return `address:${address.transportType}:${host}`;
}

/** @internal */
export class Penalties {
  /** Invalid requests counted, over all senders. */
  invalidRequests = 0;
  /** Bans imposed. */
  bansImposed = 0;
  readonly #counts = new Map<string, { count: number; last: number }>();
  readonly #store: PeerStore;
  readonly #clock: Clock;
  readonly #forgetAfter: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #logger: Logger;
  readonly #banAfter: number;
  readonly #banMs: number;
  readonly #steps: readonly (readonly [number, number])[];

  constructor(store: PeerStore, clock: Clock, sleep: (ms: number) => Promise<void>, logger: Logger, options: PenaltyOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#forgetAfter = options.forgetAfterMs ?? 10 * 60_000;
    this.#sleep = sleep;
    this.#logger = logger;
    this.#banAfter = options.banAfter ?? 64;
    this.#banMs = options.banMs ?? 5 * 60_000;
    this.#steps = options.steps ?? DEFAULT_STEPS;
  }

  /** Invalid requests counted for `subject` since its last ban. */
  count(subject: string): number {
    const entry = this.#counts.get(subject);
    return entry === undefined || this.#clock.nowMillis() - entry.last > this.#forgetAfter ? 0 : entry.count;
  }

  /** The ban in force on `subject`, if any. */
  banned(subject: string): { readonly until: number } | undefined {
    return this.#store.bans.active(subject);
  }

  /**
   * Counts an invalid request from `subject`: bans it when this is its `banAfter`-th, else
   * waits the step's delay (so a misbehaving sender is slowed down) before returning.
   */
  async invalid(subject: string, reason: string): Promise<void> {
    this.invalidRequests++;
    const before = this.count(subject);
    const count = before + 1;
    this.#logger.debug("invalid request", { subject, reason, count });
    if (count >= this.#banAfter) {
      this.#counts.delete(subject);
      this.bansImposed++;
      this.#logger.warn("banning a sender for invalid requests", { subject, count, reason, banMs: this.#banMs });
      await this.#store.bans.ban(subject, this.#banMs, `${count} invalid requests; last: ${reason}`);
      return;
    }
    this.#counts.delete(subject);
    this.#counts.set(subject, { count, last: this.#clock.nowMillis() });
    if (this.#counts.size > MAX_COUNTED_SENDERS) this.#counts.delete(this.#counts.keys().next().value as string);
    const step = this.#steps.find(([below]) => before < below) ?? this.#steps[this.#steps.length - 1];
    if (step !== undefined && step[1] > 0) await this.#sleep(step[1]);
  }
}
