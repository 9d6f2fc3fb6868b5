/**
 * {@link SyncEngine}: the background side of sync (DESIGN 4.5). A local commit to a database
 * with `syncOnCommit` is pushed at once to every related peer, each peer with its own queue,
 * so a dead or slow peer delays no other. Failures are retried with backoff; when the retries
 * run out the work passes to anti-entropy, which syncs every related peer both ways on each
 * database's interval. Entries received from one peer are passed on to the others.
 */
import { isEideticaError, type EideticaError, type ID, type PublicKeyText, type WriteEvent } from "@eidetica/core";
import { SyncProtocolError } from "../errors.js";
import { backoffDelay, longestBackoff } from "./backoff.js";
import { pushDatabase, syncWith, type Reach } from "./deliver.js";
import { AntiEntropy } from "./anti-entropy.js";
import type { EngineContext, EngineOptions, FlushFailure, FlushReport } from "./options.js";
import { PeerQueue, type Job } from "./queue.js";

export type { EngineContext, EngineOptions, FlushFailure, FlushReport } from "./options.js";

/**
 * The background engine of one `Sync`. Start it with `sync.start()`.
 */
export class SyncEngine {
  readonly #context: EngineContext;
  readonly #options: EngineOptions;
  readonly #queues = new Map<PublicKeyText, PeerQueue>();
  readonly #reach: Reach = { preferred: new Map(), connected: new Map() };
  readonly #antiEntropy: AntiEntropy;
  #unsubscribe: (() => void) | undefined;
  #offConnect: (() => void) | undefined;
  #persistTimer: unknown;
  #stopping = false;
  #failures: FlushFailure[] | undefined;
  /** Counts flushes: a failure counts against a flush only if its attempt started during it. */
  #flushEpoch = 0;

  /** @internal */
  constructor(context: EngineContext, options: EngineOptions = {}) {
    this.#context = context;
    this.#options = options;
    this.#antiEntropy = new AntiEntropy(context.client, context.timers, options, (peer, db) => this.enqueue(peer, db, "sync"));
  }

  /** True between {@link SyncEngine.start} and {@link SyncEngine.stop}. */
  get running(): boolean {
    return this.#unsubscribe !== undefined;
  }

  /**
   * Starts: pushes on commit, anti-entropy timers, and the work left from before: persisted
   * retries keep their backoff, and every related peer whose cursor is behind our tips (a
   * push it never acknowledged) gets a push.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.#stopping = false;
    const { instance, store, cursors } = this.#context.client;
    this.#unsubscribe = instance.onWrite((event) => this.#onWrite(event));
    this.#offConnect = this.#context.client.events.on("peer:connect", ({ peer }) => this.#reachable(peer));
    this.#antiEntropy.start();
    this.#armPersist();
    const now = this.#now();
    const wall = this.#context.client.clock.nowMillis();
    const longest = longestBackoff(this.#options.backoff);
    for (const retry of store.retries.list()) {
      // Stored on the wall clock (the monotonic one restarts with the process); a clock that
      // moved back while we were down never holds a retry longer than the longest backoff.
      const wait = Math.min(Math.max(0, retry.nextAttemptAt - wall), longest);
      this.#job(retry.peer, retry.database, "push", { attempts: retry.attempts, dueAt: now + wait });
    }
    for (const { peer, database } of store.relationships.list()) {
      const settings = store.databases.get(database);
      if (!settings.syncEnabled || !settings.syncOnCommit || store.retries.get(peer, database) !== undefined) continue;
      const tips = await instance.backend.treeTips(database);
      const cursor = cursors.get(peer, database);
      const behind = cursor === undefined || tips.some((tip) => !cursor.includes(tip));
      if (behind && tips.length > 0) this.#job(peer, database, "push", { attempts: 0, dueAt: now });
    }
    for (const queue of this.#queues.values()) this.#kick(queue);
  }

  /**
   * Stops: no new work starts, timers are cancelled, the work running now finishes, and the
   * cursors are written. What was not sent is found again at the next start (cursors behind
   * our tips, persisted retries). Leaves no timer or handle behind.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#offConnect?.();
    this.#offConnect = undefined;
    this.#antiEntropy.stop();
    if (this.#persistTimer !== undefined) this.#context.timers.clear(this.#persistTimer);
    this.#persistTimer = undefined;
    for (const queue of this.#queues.values()) {
      if (queue.timer !== undefined) this.#context.timers.clear(queue.timer);
      queue.timer = undefined;
    }
    await Promise.all([...this.#queues.values()].map((queue) => queue.running));
    await this.#context.client.cursors.persist();
  }

  /**
   * Runs every queued job now, backoff or not, until no queue has work (entries passed on
   * from peer to peer included), and reports the jobs that failed (they stay queued, with
   * their backoff).
   */
  async flush(): Promise<FlushReport> {
    const failed: FlushFailure[] = [];
    this.#failures = failed;
    this.#flushEpoch++;
    try {
      for (let pass = 0; pass < 1_000; pass++) {
        const unfailed = (queue: PeerQueue, job: Job) => !failed.some((f) => f.peer === queue.peer && f.database === job.database);
        const due = [...this.#queues.values()].filter((queue) => queue.running !== undefined || [...queue.jobs()].some((job) => unfailed(queue, job)));
        if (due.length === 0) break;
        for (const queue of due) {
          for (const job of queue.jobs()) if (unfailed(queue, job)) job.dueAt = 0;
          this.#kick(queue);
        }
        await Promise.all(due.map((queue) => queue.running));
      }
      await this.#context.client.cursors.persist();
      return { ok: failed.length === 0, failed };
    } finally {
      this.#failures = undefined;
    }
  }

  /** Follows a change of a database's sync settings (its anti-entropy interval). */
  rescheduled(db: ID): void {
    this.#antiEntropy.reschedule(db);
  }

  /** Runs one anti-entropy round for `db` now: a sync both ways with every related peer. */
  antiEntropyRound(db: ID): void {
    this.#antiEntropy.round(db);
  }

  /** (peer, database) pairs whose retries ran out and that anti-entropy has not synced yet. */
  get handedOff(): number {
    return this.#antiEntropy.handedOff;
  }

  /** Jobs waiting, over all peers (the queue depth). */
  get pending(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.size;
    return n;
  }

  /** Asks for `db` to be pushed to (or synced with) `peer`, at once unless the peer is in backoff. */
  enqueue(peer: PublicKeyText, db: ID, kind: "push" | "sync"): void {
    if (this.#stopping) return;
    const queue = this.#job(peer, db, kind, { attempts: 0, dueAt: this.#now() });
    this.#context.metrics.queueDepth.observe(queue.size);
    this.#kick(queue);
  }

  /** Writes the cursors learned every few seconds while running (one commit for all). */
  #armPersist(): void {
    if (this.#stopping || this.#persistTimer !== undefined) return;
    this.#persistTimer = this.#context.timers.set(() => {
      this.#persistTimer = undefined;
      void this.#context.client.cursors.persist().finally(() => this.#armPersist());
    }, this.#options.persistEveryMs ?? 5_000);
  }

  #onWrite(event: WriteEvent): void {
    const { store } = this.#context.client;
    const settings = store.databases.get(event.database);
    if (!settings.syncEnabled || !settings.syncOnCommit || event.database === store.databaseId) return;
    // Local commits go to every related peer; entries from a peer go on to the others.
    for (const peer of store.relationships.peersOf(event.database)) {
      if (peer !== event.peer && store.peers.get(peer)?.status === "active") this.enqueue(peer, event.database, "push");
    }
  }

  #job(peer: PublicKeyText, db: ID, kind: "push" | "sync", start: { attempts: number; dueAt: number }): PeerQueue {
    let queue = this.#queues.get(peer);
    if (queue === undefined) this.#queues.set(peer, (queue = new PeerQueue(peer)));
    queue.add(db, kind, start.attempts, start.dueAt);
    return queue;
  }

  /**
   * A peer just proved its key in a handshake (it connected to us, or we to it): it is
   * reachable now, so its jobs waiting for their backoff run at once (their attempt counts
   * stay, so a failure backs off as before). A peer coming back after a restart gets what it
   * missed without waiting out a long backoff.
   */
  #reachable(peer: PublicKeyText): void {
    const queue = this.#queues.get(peer);
    if (queue === undefined || this.#stopping) return;
    const now = this.#now();
    let waiting = false;
    for (const job of queue.jobs()) {
      if (job.dueAt > now) {
        job.dueAt = now;
        waiting = true;
      }
    }
    if (waiting) this.#kick(queue);
  }

  #kick(queue: PeerQueue): void {
    if (queue.running !== undefined || this.#stopping) return;
    if (queue.timer !== undefined) {
      this.#context.timers.clear(queue.timer);
      queue.timer = undefined;
    }
    queue.running = this.#drain(queue).finally(() => {
      queue.running = undefined;
      this.#wake(queue);
    });
  }

  /** Runs the queue's due jobs one at a time. */
  async #drain(queue: PeerQueue): Promise<void> {
    for (;;) {
      if (this.#stopping) return;
      const job = queue.next(this.#now());
      if (job === undefined) return;
      job.again = false;
      await this.#run(queue, job);
    }
  }

  async #run(queue: PeerQueue, job: Job): Promise<void> {
    const { client, hooks, metrics } = this.#context;
    const db = job.database;
    const epoch = this.#flushEpoch;
    if (job.attempts > 0) metrics.retries.inc();
    try {
      if (job.kind === "sync") await syncWith(client, hooks, this.#reach, queue.peer, db);
      else await this.#push(queue.peer, db);
      queue.reachable = true;
      if (job.attempts > 0) await client.store.retries.clear(queue.peer, db);
      if (job.again) {
        job.again = false;
        job.attempts = 0;
        job.dueAt = this.#now();
      } else queue.remove(db);
    } catch (thrown) {
      const error = isEideticaError(thrown) ? thrown : new SyncProtocolError("a background sync failed unexpectedly", { cause: thrown });
      await this.#failed(queue, db, job, error, epoch);
    }
  }

  /**
   * A push, counted as a sync of the database (status, events) when it sends anything. A peer
   * with no cursor yet is synced both ways instead (which reports itself), to learn its tips.
   */
  async #push(peer: PublicKeyText, db: ID): Promise<void> {
    const { client, hooks } = this.#context;
    const cursor = client.cursors.get(peer, db);
    if (cursor === undefined) {
      await syncWith(client, hooks, this.#reach, peer, db);
      return;
    }
    hooks.started(db);
    try {
      const sent = await pushDatabase(client, this.#reach, peer, db, cursor);
      hooks.finished(db, undefined);
      const address = this.#reach.preferred.get(peer);
      if (sent > 0 && address !== undefined) client.events.emit("sync:complete", { peer, database: db, address, received: 0, sent, bootstrap: false });
    } catch (error) {
      const typed = isEideticaError(error) ? error : new SyncProtocolError("a push failed unexpectedly", { cause: error });
      hooks.finished(db, typed);
      client.events.emit("sync:error", { peer, database: db, address: this.#reach.preferred.get(peer), error: typed });
      throw typed;
    }
  }

  async #failed(queue: PeerQueue, db: ID, job: Job, error: EideticaError, epoch: number): Promise<void> {
    const { client } = this.#context;
    // An attempt that began before the flush does not count: the flush runs the job again.
    if (epoch === this.#flushEpoch) this.#failures?.push({ peer: queue.peer, database: db, error });
    if (error.code === "TRANSPORT" && queue.reachable) {
      queue.reachable = false;
      client.events.emit("peer:disconnect", { peer: queue.peer, address: this.#reach.preferred.get(queue.peer), error });
    }
    job.attempts++;
    const max = this.#options.maxAttempts ?? 10;
    if (job.attempts > max) {
      // Nothing is dropped: anti-entropy syncs this database with the peer from now on.
      client.logger.warn("retries exhausted; anti-entropy takes over", { peer: queue.peer, database: db, error: error.message });
      queue.remove(db);
      await client.store.retries.clear(queue.peer, db);
      this.#antiEntropy.handOff(queue.peer, db);
      return;
    }
    const delay = backoffDelay(job.attempts, client.random, this.#options.backoff);
    job.dueAt = this.#now() + delay;
    job.again = false;
    try {
      const nextAttemptAt = client.clock.nowMillis() + delay;
      await client.store.retries.set({ peer: queue.peer, database: db, attempts: job.attempts, nextAttemptAt, lastError: `${error.code}: ${error.message}` });
    } catch (failure) {
      client.logger.error("could not persist retry state", { error: failure });
    }
  }

  /** Monotonic time: every due time and wait of the engine is on it (a wall clock may jump). */
  #now(): number {
    return this.#context.timers.now();
  }

  /** After a drain: if jobs wait for their backoff, wake up when the first is due. */
  #wake(queue: PeerQueue): void {
    const first = queue.firstDue();
    if (this.#stopping || first === undefined) return;
    const now = this.#now();
    if (first <= now) return this.#kick(queue);
    queue.timer = this.#context.timers.set(() => {
      queue.timer = undefined;
      this.#kick(queue);
    }, first - now);
  }
}
