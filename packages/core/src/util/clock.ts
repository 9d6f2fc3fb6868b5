/**
 * Injected time. Everything in @eidetica that reads the time (heights under the timestamp
 * strategy, request freshness, quarantine expiry, retry timers) takes a {@link Clock}.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMillis(): number;
}

/** Wall-clock time from `Date.now()`. The default wherever a {@link Clock} is optional. */
export const systemClock: Clock = Object.freeze({
  nowMillis: () => Date.now(),
});

/** A {@link Clock} that moves only when told to; for tests and simulations. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to `ms` milliseconds since the epoch. */
  set(ms: number): void;
}

/**
 * Creates a {@link ManualClock}. The default start, 1,704,067,200,000 ms (2024-01-01), is the
 * one Eidetica's Rust test clock uses.
 *
 * @example
 * ```ts
 * const clock = manualClock();
 * clock.advance(60_000);
 * clock.nowMillis(); // 1704067260000
 * ```
 */
export function manualClock(startMillis = 1_704_067_200_000): ManualClock {
  let now = startMillis;
  return {
    nowMillis: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}
