/**
 * A replica for simulations: an {@link Instance} on its own {@link MemoryBackend} with a seeded
 * random and a manual clock, plus a log of the write events it fired. The log checks, as events
 * arrive, that each entry is announced once and only after everything it depends on.
 */
import {
  Instance,
  MemoryBackend,
  manualClock,
  seededRandom,
  type Database,
  type ID,
  type Transaction,
  type WriteEvent,
} from "../../../src/index.js";
import { dependencies } from "./oracle.js";

/** How often one entry was announced, by source. */
export interface EventCounts {
  local: number;
  remote: number;
}

/** One simulated device. */
export class Replica {
  readonly name: string;
  readonly instance: Instance;
  /** Entries announced by write events, in announcement order. */
  readonly announced = new Set<ID>();
  readonly counts = new Map<ID, EventCounts>();
  /** Entries this replica committed itself. */
  readonly created = new Set<ID>();
  /** Broken expectations seen inside callbacks (which must not throw into the database). */
  readonly problems: string[];
  /** A transaction begun earlier and not committed yet (it commits at stale parents). */
  pending: Transaction | undefined;
  #db: Database | undefined;

  private constructor(name: string, instance: Instance, problems: string[]) {
    this.name = name;
    this.instance = instance;
    this.problems = problems;
    instance.onWrite((event) => this.#record(event));
  }

  /** A replica named `name` whose randomness comes from `seed`. */
  static async create(name: string, seed: bigint): Promise<Replica> {
    const problems: string[] = [];
    const instance = await Instance.create({
      backend: new MemoryBackend(),
      clock: manualClock(),
      random: seededRandom(seed),
      onCallbackError: (error) => problems.push(`${name}: a write callback threw: ${String(error)}`),
    });
    return new Replica(name, instance, problems);
  }

  get db(): Database {
    if (this.#db === undefined) throw new Error(`${this.name} has not opened the database`);
    return this.#db;
  }

  set db(db: Database) {
    this.#db = db;
  }

  /** Commits through `withTransaction` and remembers the entry as created here. */
  async commit(fn: (txn: Transaction) => unknown): Promise<ID> {
    const id = await this.db.withTransaction(fn);
    this.created.add(id);
    return id;
  }

  /** Commits a transaction begun earlier and remembers the entry as created here. */
  async commitPending(txn: Transaction): Promise<ID> {
    const id = await txn.commit();
    this.created.add(id);
    return id;
  }

  async #record(event: WriteEvent): Promise<void> {
    if (event.source === "remote" && event.peer === undefined) this.problems.push(`remote event without a peer: ${event.ids.join(",")}`);
    if (event.source === "local" && event.peer !== undefined) this.problems.push(`local event with a peer: ${event.ids.join(",")}`);
    for (const id of event.ids) {
      const entry = await this.instance.backend.getEntry(id);
      if (entry === undefined) {
        this.problems.push(`${this.name}: announced ${id} is not held`);
        continue;
      }
      for (const dep of dependencies(entry)) {
        if (!this.announced.has(dep)) this.problems.push(`${this.name}: ${id} announced before its dependency ${dep}`);
      }
      if (this.announced.has(id)) this.problems.push(`${this.name}: ${id} announced twice`);
      this.announced.add(id);
      const counts = this.counts.get(id) ?? { local: 0, remote: 0 };
      counts[event.source]++;
      this.counts.set(id, counts);
    }
  }
}
