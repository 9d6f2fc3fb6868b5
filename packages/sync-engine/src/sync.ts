/** {@link Sync}: sync on an Instance: transports, served databases, tickets, bootstrap and sync with peers. */
import { InvalidStateError, MalformedError, NotFoundError, parseId, type Clock, type EideticaError, type ID, type Instance, type PublicKeyText, type Random, type SigningKey } from "@eidetica/core";
import { PeerStore, type BootstrapRequest, type PeerRecord, type PeerStoreOptions, type SyncSettings } from "@eidetica/peer-store";
import { formatTicket, parseTicket, type Address, type DatabaseTicket, type SyncTransport } from "@eidetica/protocol";
import { approveRequest, manualApproval, rejectRequest, type ApprovalPolicy } from "./approval.js";
import { syncDatabase, type BootstrapOptions, type BootstrapResult, type SyncOptions, type SyncReport } from "./client/flows.js";
import type { ClientContext } from "./client/context.js";
import { connect } from "./client/connect.js";
import { bootstrapFrom } from "./client/from-addresses.js";
import { CursorBook } from "./cursors.js";
import { SyncEngine, type EngineOptions, type FlushReport } from "./engine/engine.js";
import { NoAddressError } from "./errors.js";
import { instruments, noopMetrics, type Metrics } from "./metrics.js";
import { SyncEvents } from "./events.js";
import { SyncHandle } from "./handle.js";
import { consoleLogger, type Logger } from "./logger.js";
import { SyncServer } from "./server/handler.js";
import { NonceBook } from "./server/nonces.js";
import { KeyedLock } from "./server/keyed-lock.js";
import { PageCache } from "./server/pages.js";
import { Penalties, type PenaltyOptions } from "./server/penalties.js";
import { sleep, systemTimers, type Timers } from "./timers.js";
import { TransportManager } from "./transports.js";
import { Flights } from "./flights.js";

/** Options of {@link Sync.create}. */
export interface SyncCreateOptions {
  /** Transports to reach peers with (more can be added). */
  readonly transports?: readonly SyncTransport[];
  /** Default: the instance's clock. */
  readonly clock?: Clock;
  /** Default: the instance's randomness. */
  readonly random?: Random;
  /** Default: Node's timers. */
  readonly timers?: Timers;
  /** Default: warnings and errors to the console. */
  readonly logger?: Logger;
  /** Who is granted access when they ask (default: {@link manualApproval}). */
  readonly approval?: ApprovalPolicy;
  /** The name given in handshakes. Default `"Eidetica Peer"`. */
  readonly displayName?: string;
  /** Time allowed for each request to a peer. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Limits for misbehaving senders (reliability R6). */
  readonly penalties?: PenaltyOptions;
  readonly peerStore?: PeerStoreOptions;
  /** The background engine: retries and anti-entropy. */
  readonly engine?: EngineOptions;
  /** Where counters and histograms go. Default: nowhere. */
  readonly metrics?: Metrics;
}

/** Default settings for a database sync is enabled for. */
const ENABLED: SyncSettings = { syncEnabled: true, syncOnCommit: true, intervalSeconds: null, properties: {} };

/**
 * Sync for one Instance: the server side (`handler`, served on every transport by
 * {@link Sync.startServers}), the client flows, and the persisted state (`store`).
 *
 * @example
 * ```ts
 * const sync = await Sync.create(instance, { transports: [transport] });
 * await sync.enableSync(db.id);
 * await sync.startServers();
 * const ticket = sync.createTicket(db.id); // share it
 *
 * // On another node:
 * const { db: copy } = await other.bootstrap(ticket);
 * await other.syncWithPeer(sync.serverAddresses()[0], copy.id); // both ways
 * ```
 */
export class Sync {
  readonly instance: Instance;
  /** The persisted state: peers, relationships, cursors, requests, settings. */
  readonly store: PeerStore;
  readonly transports: TransportManager;
  readonly events: SyncEvents;
  /** The request handler every transport serves. */
  readonly handler: SyncServer;
  /** The background engine (started by {@link Sync.start}). */
  readonly engine: SyncEngine;
  readonly #client: ClientContext;
  readonly #timers: Timers;
  readonly #runtime = new Map<ID, { lastSync: number | null; lastError: EideticaError | null; syncing: number }>();
  readonly #flights = new Flights();

  private constructor(instance: Instance, store: PeerStore, options: SyncCreateOptions) {
    const clock = options.clock ?? instance.clock;
    const random = options.random ?? instance.random;
    const logger = options.logger ?? consoleLogger;
    const displayName = options.displayName ?? "Eidetica Peer";
    this.instance = instance;
    this.store = store;
    this.#timers = options.timers ?? systemTimers;
    this.transports = new TransportManager(options.transports ?? []);
    this.events = new SyncEvents(logger);
    const listenAddresses = () => this.transports.serverAddresses();
    const cursors = new CursorBook(store, logger);
    const metrics = instruments(options.metrics ?? noopMetrics);
    this.handler = new SyncServer({
      instance,
      store,
      cursors,
      clock,
      random,
      logger,
      events: this.events,
      nonces: new NonceBook(random, clock.nowMillis()),
      penalties: new Penalties(store, clock, (ms) => sleep(this.#timers, ms), logger, options.penalties),
      pages: new PageCache(),
      approval: options.approval ?? manualApproval,
      approvals: new KeyedLock(),
      displayName,
      listenAddresses,
    });
    this.#client = {
      instance,
      store,
      cursors,
      metrics,
      transports: this.transports,
      clock,
      random,
      logger,
      events: this.events,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      displayName,
      listenAddresses,
    };
    this.engine = new SyncEngine({ client: this.#client, hooks: this.#hooks, timers: this.#timers, metrics }, options.engine);
  }

  /** Opens (or creates) the instance's peer store and sets sync up on it. */
  static async create(instance: Instance, options: SyncCreateOptions = {}): Promise<Sync> {
    return new Sync(instance, await PeerStore.open(instance, options.peerStore), options);
  }

  /** Adds a transport; requests go to the first one that can reach an address. */
  addTransport(transport: SyncTransport): void {
    this.transports.add(transport);
  }

  /**
   * Serves the handler on every transport (nothing is served before). Succeeds if at least one
   * server runs; the transports that failed to start are logged and returned.
   * @throws {InvalidStateError} if no transport is registered.
   * @throws the first transport's error if none could start.
   */
  async startServers(): Promise<{ readonly transport: SyncTransport; readonly error: unknown }[]> {
    const failed = await this.transports.startAll(this.handler);
    for (const { transport, error } of failed) this.#client.logger.warn(`the ${transport.kind} server did not start`, { error });
    return failed;
  }

  /** Stops every server. */
  async stopServers(): Promise<void> {
    await this.transports.stopAll();
  }

  /** Where the running servers listen. */
  serverAddresses(): Address[] {
    return this.transports.serverAddresses();
  }

  /**
   * Serves database `db` to peers (who may read it) and accepts pushes for it.
   * @throws {NotFoundError} if it is not held here (or is the `_sync` database).
   */
  async enableSync(db: ID, settings: Partial<SyncSettings> = {}): Promise<SyncSettings> {
    if (db === this.store.databaseId || !(await this.instance.listDatabases()).includes(db)) throw new NotFoundError(`database ${db} is not held here`);
    const current = this.store.databases.has(db) ? this.store.databases.get(db) : ENABLED;
    const stored = await this.store.databases.set(db, { ...current, ...settings, syncEnabled: true });
    this.engine.rescheduled(db);
    return stored;
  }

  /**
   * Stops serving database `db` and accepting pushes for it (its other settings are kept).
   * A database sync was never enabled for is left as it is: off.
   */
  async disableSync(db: ID): Promise<SyncSettings> {
    if (!this.store.databases.has(db)) return this.store.databases.get(db);
    const stored = await this.store.databases.set(db, { ...this.store.databases.get(db), syncEnabled: false });
    this.engine.rescheduled(db);
    return stored;
  }

  /** A ticket for database `db` naming every running server: `eidetica:?db=…&pr=…`. */
  createTicket(db: ID): string {
    return formatTicket({ database: db, addresses: this.serverAddresses() });
  }

  /**
   * Fetches a database this node does not hold (or finishes an interrupted fetch), from a
   * ticket's addresses in turn until one succeeds, or from one address. A database already held
   * is synced instead. The database becomes visible only once it is complete and verified.
   * @throws {BootstrapPendingError} if access waits for an Admin's approval.
   * @throws {AllAddressesFailedError} if a ticket's addresses all failed.
   * @throws {NoAddressError} if the ticket has no address.
   * @throws {MalformedError} if `keyName` is empty.
   */
  async bootstrap(source: string | DatabaseTicket | Address, options: BootstrapOptions & { readonly database?: ID } = {}): Promise<BootstrapResult> {
    const ticket = typeof source === "string" ? parseTicket(source) : "database" in source ? source : undefined;
    const addresses = ticket?.addresses ?? [source as Address];
    const db = ticket?.database ?? (options.database === undefined ? undefined : parseId(options.database, "database"));
    if (db === undefined) throw new InvalidStateError("bootstrapping from an address needs options.database");
    if (addresses.length === 0) throw new NoAddressError(`the ticket for ${db} has no address hints`);
    if (options.keyName === "") throw new MalformedError("a requesting key's name must not be empty", "keyName");
    // Bootstraps of one database join only when they ask with the same keys.
    const keys = `${options.requestingKey?.publicKey ?? ""} ${options.signingKey?.publicKey ?? ""}`;
    return this.#flights.join(`bootstrap ${db} ${keys}`, () => bootstrapFrom(this.#client, this.#hooks, addresses, db, options));
  }

  /**
   * Handshakes with the peer at `address` (it must prove its key) and registers it.
   * @throws {AuthFailedError} if it does not prove the key it claims (nothing is stored).
   */
  async connect(address: Address, options: { readonly expectedPeer?: PublicKeyText; readonly signal?: AbortSignal } = {}): Promise<PeerRecord> {
    const connection = await connect(this.#client, address, options);
    return this.store.peers.get(connection.peer) as PeerRecord;
  }

  /**
   * Syncs database `db` with the peer at `address` both ways: pulls what it lacks here, pushes
   * what the peer lacks. A database not held yet is bootstrapped.
   * @throws {MalformedError} if `db` is not an ID (nothing is sent).
   */
  async syncWithPeer(address: Address, db: ID, options: SyncOptions = {}): Promise<SyncReport> {
    parseId(db, "database");
    if (!(await this.instance.listDatabases()).includes(db)) return this.bootstrap(address, { ...options, database: db });
    const key = `sync ${address.transportType}:${address.address} ${db} ${options.signingKey?.publicKey ?? ""}`;
    return this.#flights.join(key, () => syncDatabase(this.#client, this.#hooks, address, db, options));
  }

  /** The sync state of database `db`. */
  handle(db: ID): SyncHandle {
    return new SyncHandle(
      {
        store: this.store,
        events: this.events,
        timers: this.#timers,
        hasLocalData: async (id) => (await this.instance.listDatabases()).includes(id),
        runtime: (id) => this.#runtime.get(id) ?? { lastSync: null, lastError: null, syncing: 0 },
      },
      db,
    );
  }

  /** Bootstrap requests waiting for approval (optionally for one database). */
  pendingRequests(db?: ID): BootstrapRequest[] {
    return this.store.requests.list({ state: "pending", ...(db === undefined ? {} : { database: db }) });
  }

  /** Approves a pending request with an Admin key of its database (see {@link approveRequest}). */
  async approveRequest(id: string, approver: SigningKey = this.instance.deviceKey): Promise<BootstrapRequest> {
    return approveRequest(this.instance, this.store, id, approver);
  }

  /** Rejects a pending request (see {@link rejectRequest}). */
  async rejectRequest(id: string, approver: SigningKey = this.instance.deviceKey): Promise<BootstrapRequest> {
    return rejectRequest(this.instance, this.store, id, approver);
  }

  /**
   * Starts the background engine: pushes on commit, retries, anti-entropy, and the work left
   * from before a restart. Serving is separate ({@link Sync.startServers}).
   */
  async start(): Promise<void> {
    await this.engine.start();
  }

  /** Runs every queued push and sync now (backoff or not) until no queue has work; reports failures. */
  async flush(): Promise<FlushReport> {
    return this.engine.flush();
  }

  /** Stops the background engine (see {@link SyncEngine.stop}); servers keep serving. */
  async stop(): Promise<void> {
    await this.engine.stop();
  }

  /**
   * Relates a peer to databases so that the engine keeps them in sync with it: registers it
   * with its addresses (it proves its key at the first handshake) and adds the relationships.
   */
  async addPeer(peer: PublicKeyText, options: { readonly addresses?: readonly Address[]; readonly databases?: readonly ID[]; readonly displayName?: string } = {}): Promise<PeerRecord> {
    const record = await this.store.peers.register(peer, { addresses: options.addresses ?? [], ...(options.displayName === undefined ? {} : { displayName: options.displayName }) });
    for (const db of options.databases ?? []) await this.store.relationships.add(peer, db);
    return record;
  }

  /** Writes what is pending now: the cursors learned (the running engine writes them every few seconds). */
  async persist(): Promise<void> {
    await this.#client.cursors.persist();
  }

  /** Stops the engine and every server, and writes what is pending. The instance stays open. */
  async close(): Promise<void> {
    await this.engine.stop();
    await this.stopServers();
    await this.#client.cursors.persist();
  }

  readonly #hooks = {
    started: (db: ID) => {
      const state = this.#runtime.get(db) ?? { lastSync: null, lastError: null, syncing: 0 };
      this.#runtime.set(db, { ...state, syncing: state.syncing + 1 });
    },
    finished: (db: ID, error: EideticaError | undefined) => {
      const state = this.#runtime.get(db) ?? { lastSync: null, lastError: null, syncing: 1 };
      const now = this.#client.clock.nowMillis();
      this.#runtime.set(db, { lastSync: error === undefined ? now : state.lastSync, lastError: error ?? null, syncing: state.syncing - 1 });
    },
  };
}
