/**
 * {@link SimCluster}: many peers in one process on a `SimNetwork` in virtual time, each a real
 * `Instance` with its `Sync` and engine, all sharing one database and related along a
 * topology. Every choice comes from one seed, so a run replays exactly.
 */
import { Instance, defaultEd25519, seededRandom, write, type Clock, type Ed25519Provider, type ID, type Random } from "@eidetica/core";
import type { Address, SyncTransport } from "@eidetica/protocol";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import type { EngineOptions } from "../engine/engine.js";
import { silentLogger, type Logger } from "../logger.js";
import { Sync } from "../sync.js";
import { Courier, CourierQueue } from "./courier.js";
import { edgesOf, type Topology } from "./topology.js";

/** Options of {@link SimCluster.create}. */
export interface ClusterOptions {
  readonly seed: number;
  readonly peers: number;
  readonly topology?: Topology;
  /** The engines' options (retries, hand-off). */
  readonly engine?: EngineOptions;
  /** Anti-entropy interval of the shared database, in seconds; default none. */
  readonly intervalSeconds?: number | null;
  /** Route pushes through a {@link Courier} (optimistic Ack, delivery chosen by the test). */
  readonly courier?: boolean;
  /** Each peer's clock offset from the network's time, in milliseconds (clock skew). */
  readonly skewMs?: (peer: number) => number;
  readonly logger?: Logger;
}

/** One peer of a cluster. */
export interface SimPeer {
  readonly index: number;
  name: string;
  readonly instance: Instance;
  sync: Sync;
  transport: MockTransport;
  address: Address;
  readonly clock: Clock;
}

// Signatures checked one at a time, in order: a seeded run must not depend on thread timing.
function inOrder(): Ed25519Provider {
  const base = defaultEd25519();
  return { name: `${base.name}-in-order`, publicKey: (s) => base.publicKey(s), signer: (s) => base.signer(s), verify: (p, m, s) => base.verify(p, m, s) };
}

/**
 * A simulated cluster.
 *
 * @example
 * ```ts
 * const cluster = await SimCluster.create({ seed: 7, peers: 5, topology: "line" });
 * await cluster.start();
 * await cluster.write(0);
 * await cluster.flushAll();
 * (await checkInvariants(cluster)).violations; // []
 * await cluster.close();
 * ```
 */
export class SimCluster {
  readonly network: SimNetwork;
  readonly random: Random & { nextU32(): number };
  readonly peers: SimPeer[] = [];
  readonly edges: readonly (readonly [number, number])[];
  /** Pushes held by couriers (when the cluster routes pushes through them). */
  readonly courier = new CourierQueue();
  /** Every write committed (acknowledged locally), in order. */
  readonly acknowledged: ID[] = [];
  /** True while pushes go to the couriers. */
  capturing = false;
  #db: ID = "";
  readonly #options: ClusterOptions;
  #writes = 0;
  #rejoins = 0;
  readonly #watchers: ((peer: SimPeer) => void)[] = [];
  /** Each peer's wall-clock offset from network time. */
  readonly #offsets = new Map<number, number>();

  private constructor(options: ClusterOptions) {
    this.#options = options;
    this.random = seededRandom(options.seed);
    this.network = new SimNetwork({ seed: options.seed, time: { mode: "virtual", autoRun: true } });
    this.edges = edgesOf(options.topology ?? "mesh", options.peers);
  }

  /** Builds the peers, the shared database (writable by every device key) and the relationships. */
  static async create(options: ClusterOptions): Promise<SimCluster> {
    const cluster = new SimCluster(options);
    for (let i = 0; i < options.peers; i++) cluster.peers.push(await cluster.#peer(i));
    await cluster.#share();
    return cluster;
  }

  /** The shared database. */
  get db(): ID {
    return this.#db;
  }

  async #peer(index: number, instance?: Instance): Promise<SimPeer> {
    if (!this.#offsets.has(index)) this.#offsets.set(index, this.#options.skewMs?.(index) ?? 0);
    const virtual = this.network.clock;
    const clock: Clock = { nowMillis: () => virtual.nowMillis() + (this.#offsets.get(index) ?? 0) };
    const own = instance ?? (await Instance.create({ clock, random: seededRandom(this.#options.seed * 1_009 + index), ed25519: inOrder() }));
    const name = instance === undefined ? `peer-${index}` : `peer-${index}-again-${this.#rejoins}`;
    const transport = new MockTransport(this.network, { name, peerKey: own.id, onHandlerError: () => undefined });
    const carrier: SyncTransport = this.#options.courier === true ? new Courier(transport, this.courier, () => this.capturing) : transport;
    const sync = await Sync.create(own, {
      transports: [carrier],
      clock,
      random: seededRandom(this.#options.seed * 7_919 + index * 31 + this.#rejoins),
      timers: this.network.timers,
      logger: this.#options.logger ?? silentLogger,
      ...(this.#options.engine === undefined ? {} : { engine: this.#options.engine }),
    });
    await sync.startServers();
    return { index, name, instance: own, sync, transport, address: transport.address, clock };
  }

  /**
   * Calls `watcher` with every peer now and with each peer that rejoins later (a new `Sync`
   * on the same instance): the place to listen to every peer's events for a whole run.
   */
  watch(watcher: (peer: SimPeer) => void): void {
    this.#watchers.push(watcher);
    for (const peer of this.peers) watcher(peer);
  }

  /**
   * Moves peer `index`'s wall clock by `deltaMs` (negative: it jumps back). Its timers keep
   * network time, as a monotonic clock would.
   */
  shiftClock(index: number, deltaMs: number): void {
    this.#offsets.set(index, (this.#offsets.get(index) ?? 0) + deltaMs);
  }

  async #share(): Promise<void> {
    const [first, ...others] = this.peers as [SimPeer, ...SimPeer[]];
    const db = await first.instance.createDatabase({ name: "simulation" });
    await db.withTransaction(async (txn) => {
      const settings = await txn.settings();
      for (const peer of others) settings.setAuthKey(peer.instance.id, { permission: write(10), status: "Active" });
    });
    this.#db = db.id;
    const entries = await db.entries();
    const settings = { syncOnCommit: true, intervalSeconds: this.#options.intervalSeconds ?? null };
    for (const peer of this.peers) {
      if (peer !== first) await peer.instance.ingest(db.id, entries, { from: "setup", atomic: true });
      await peer.sync.enableSync(db.id, settings);
    }
    const tips = await db.tips();
    for (const [i, j] of this.edges) {
      const [a, b] = [this.peers[i] as SimPeer, this.peers[j] as SimPeer];
      await a.sync.addPeer(b.instance.id, { addresses: [b.address], databases: [db.id] });
      await b.sync.addPeer(a.instance.id, { addresses: [a.address], databases: [db.id] });
      await a.sync.store.cursors.setMany([{ peer: b.instance.id, database: db.id, tips }]);
      await b.sync.store.cursors.setMany([{ peer: a.instance.id, database: db.id, tips }]);
    }
  }

  /** Starts every engine. */
  async start(): Promise<void> {
    for (const peer of this.peers) await peer.sync.start();
  }

  /** Commits one small write on peer `index`; returns its entry ID (acknowledged from now on). */
  async write(index: number): Promise<ID> {
    const peer = this.peers[index] as SimPeer;
    const n = this.#writes++;
    const db = await peer.instance.openDatabase(this.#db);
    const id = await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`w${n % 7}`, `${index}:${n}`));
    this.acknowledged.push(id);
    return id;
  }

  /** Cuts the link from `a` to `b` (and back, unless `oneWay`). */
  partition(a: number, b: number, oneWay = false): void {
    this.network.partition((this.peers[a] as SimPeer).address, (this.peers[b] as SimPeer).address);
    if (!oneWay) this.network.partition((this.peers[b] as SimPeer).address, (this.peers[a] as SimPeer).address);
  }

  /** Heals the link between `a` and `b`, both ways. */
  heal(a: number, b: number): void {
    const [x, y] = [(this.peers[a] as SimPeer).address, (this.peers[b] as SimPeer).address];
    this.network.heal(x, y);
    this.network.heal(y, x);
  }

  /** Heals every link. */
  healAll(): void {
    this.network.heal();
  }

  /** True if some link is cut. */
  isPartitioned(a: number, b: number): boolean {
    return this.network.isPartitioned((this.peers[a] as SimPeer).address, (this.peers[b] as SimPeer).address);
  }

  /**
   * Peer churn (reliability F15): the peer leaves (its engine and server stop), then comes
   * back with the same identity on a new address, and tells its related peers where it is now.
   */
  async rejoin(index: number): Promise<void> {
    const old = this.peers[index] as SimPeer;
    await old.sync.close();
    this.#rejoins++;
    const fresh = await this.#peer(index, old.instance);
    this.peers[index] = fresh;
    for (const watcher of this.#watchers) watcher(fresh);
    await fresh.sync.start();
    for (const peer of fresh.sync.store.relationships.peersOf(this.#db)) {
      const other = this.peers.find((p) => p.instance.id === peer);
      if (other === undefined) continue;
      try {
        await fresh.sync.connect(other.address, { expectedPeer: peer });
      } catch {
        // Unreachable now (a partition): its retries and anti-entropy will find the new address later.
      }
    }
  }

  /** Flushes every engine, `passes` times over (entries relayed peer to peer need several). */
  async flushAll(passes = this.peers.length + 1): Promise<number> {
    let failed = 0;
    for (let pass = 0; pass < passes; pass++) {
      failed = 0;
      for (const peer of this.peers) failed += (await peer.sync.flush()).failed.length;
    }
    return failed;
  }

  /** One anti-entropy round on every peer, run to completion. */
  async antiEntropyRound(): Promise<void> {
    for (const peer of this.peers) peer.sync.engine.antiEntropyRound(this.#db);
    for (const peer of this.peers) await peer.sync.flush();
  }

  /** Stops every engine and server and closes the network: nothing is left running. */
  async close(): Promise<void> {
    for (const peer of this.peers) await peer.sync.close();
    await this.network.close();
  }
}
