/** Injected timers: everything in sync that waits goes through a {@link Timers}, so a test or simulation can drive time. */

/**
 * Schedules and cancels callbacks, on a monotonic time: {@link Timers.now} never goes back,
 * whatever the wall clock does (reliability F14), so a backoff or an interval is never
 * stretched or cut by a clock that jumps.
 */
export interface Timers {
  /** Milliseconds on a monotonic clock (its origin is arbitrary; it never goes backwards). */
  now(): number;
  /** Calls `callback` after `ms` milliseconds; returns a handle for {@link Timers.clear}. */
  set(callback: () => void, ms: number): unknown;
  /** Cancels a callback not yet called (a handle already called or cleared is ignored). */
  clear(handle: unknown): void;
}

/** Node's timers, unref'd so that a pending wait never keeps the process alive. */
export const systemTimers: Timers = Object.freeze({
  now(): number {
    return performance.now();
  },
  set(callback: () => void, ms: number): unknown {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clear(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
});

/** A promise that resolves after `ms` on `timers`. */
export function sleep(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => {
    timers.set(resolve, ms);
  });
}
