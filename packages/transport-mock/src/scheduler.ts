/** Delayed tasks on virtual time (a heap ordered by time, then scheduling order) or real timers. */
import type { Clock, ManualClock } from "@eidetica/core";

/** Runs tasks later; the clock the network stamps events with. */
export interface Scheduler {
  readonly clock: Clock;
  /** Runs `task` in `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, task: () => void): () => void;
  /** Tasks waiting. */
  size(): number;
  /** Cancels every waiting task. */
  cancelAll(): void;
}

interface Task {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** A usable delay: NaN and negatives run at once. */
const delayOf = (ms: number) => (ms > 0 ? ms : 0);

const before = (a: Task, b: Task) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** Tasks on a {@link ManualClock}: they run only when {@link VirtualScheduler.runNext} is called. */
export class VirtualScheduler implements Scheduler {
  readonly #heap: Task[] = [];
  #seq = 0;
  #live = 0;

  constructor(readonly clock: ManualClock) {}

  schedule(delayMs: number, run: () => void): () => void {
    const task: Task = { at: this.clock.nowMillis() + delayOf(delayMs), seq: this.#seq++, run, cancelled: false };
    this.#push(task);
    this.#live++;
    return () => {
      if (task.cancelled) return;
      task.cancelled = true;
      this.#live--;
    };
  }

  size(): number {
    return this.#live;
  }

  cancelAll(): void {
    for (const task of this.#heap) task.cancelled = true;
    this.#heap.length = 0;
    this.#live = 0;
  }

  /** When the next task is due, or undefined if none waits. */
  nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Moves the clock to the next task (never backwards) and runs it; false if none waits. */
  runNext(): boolean {
    this.#dropCancelled();
    const task = this.#pop();
    if (task === undefined) return false;
    task.cancelled = true;
    this.#live--;
    if (task.at > this.clock.nowMillis()) this.clock.set(task.at);
    task.run();
    return true;
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled === true) this.#pop();
  }

  #push(task: Task): void {
    const heap = this.#heap;
    heap.push(task);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Task, heap[parent] as Task)) break;
      [heap[i], heap[parent]] = [heap[parent] as Task, heap[i] as Task];
      i = parent;
    }
  }

  #pop(): Task | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && before(heap[l] as Task, heap[min] as Task)) min = l;
      if (r < heap.length && before(heap[r] as Task, heap[min] as Task)) min = r;
      if (min === i) break;
      [heap[i], heap[min]] = [heap[min] as Task, heap[i] as Task];
      i = min;
    }
    return top;
  }
}

/** Tasks on real timers (`setTimeout`), each cleared when it runs or is cancelled. */
export class RealtimeScheduler implements Scheduler {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(readonly clock: Clock) {}

  schedule(delayMs: number, run: () => void): () => void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, delayOf(delayMs));
    this.#timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    };
  }

  size(): number {
    return this.#timers.size;
  }

  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
