/**
 * {@link PeerQueue}: the work waiting for one peer: at most one job per database, a push or a
 * sync both ways. New work for a database that has a job joins it (coalescing: a sync absorbs
 * a push; work arriving while the job runs makes it run once more), and keeps its backoff.
 */
import type { ID, PublicKeyText } from "@eidetica/core";

/** One database's work for a peer. */
export interface Job {
  readonly database: ID;
  kind: "push" | "sync";
  /** Failed attempts so far. */
  attempts: number;
  /** When it may run (milliseconds on the engine's monotonic `Timers.now`). */
  dueAt: number;
  /** New work arrived while it ran: it runs once more. */
  again: boolean;
}

/** @internal */
export class PeerQueue {
  readonly peer: PublicKeyText;
  readonly #jobs = new Map<ID, Job>();
  /** The drain running now, if any. */
  running: Promise<void> | undefined;
  /** The timer waiting for the next due job, if any. */
  timer: unknown;
  /** Whether the last attempt reached the peer (for `peer:disconnect`). */
  reachable = true;

  constructor(peer: PublicKeyText) {
    this.peer = peer;
  }

  /** Jobs waiting. */
  get size(): number {
    return this.#jobs.size;
  }

  /** Adds work for `db` (or joins the job there) and returns its job. */
  add(db: ID, kind: "push" | "sync", attempts: number, dueAt: number): Job {
    const job = this.#jobs.get(db);
    if (job === undefined) {
      const fresh: Job = { database: db, kind, attempts, dueAt, again: false };
      this.#jobs.set(db, fresh);
      return fresh;
    }
    if (kind === "sync") job.kind = "sync";
    job.again = true;
    return job;
  }

  /** The first job due at `now`, in arrival order, or undefined. */
  next(now: number): Job | undefined {
    for (const job of this.#jobs.values()) if (job.dueAt <= now) return job;
    return undefined;
  }

  /** Removes a job that is done (or handed on). */
  remove(db: ID): void {
    this.#jobs.delete(db);
  }

  /** The earliest time a job is due, or undefined when empty. */
  firstDue(): number | undefined {
    let first: number | undefined;
    for (const job of this.#jobs.values()) if (first === undefined || job.dueAt < first) first = job.dueAt;
    return first;
  }

  /** Every job, in arrival order. */
  jobs(): IterableIterator<Job> {
    return this.#jobs.values();
  }
}
