/** Injected timers: everything in sync that waits goes through a {@link Timers}, so a test or simulation can drive time. */

/** Schedules and cancels callbacks. */
export interface Timers {
  /** Calls `callback` after `ms` milliseconds; returns a handle for {@link Timers.clear}. */
  set(callback: () => void, ms: number): unknown;
  /** Cancels a callback not yet called (a handle already called or cleared is ignored). */
  clear(handle: unknown): void;
}

/** Node's timers, unref'd so that a pending wait never keeps the process alive. */
export const systemTimers: Timers = Object.freeze({
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
