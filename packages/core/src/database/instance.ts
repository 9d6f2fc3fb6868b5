/**
 * {@link Instance}: one device's view of a backend: its device key (the sync identity), its
 * databases, the global write callbacks, and the ingest path sync calls.
 */
import type { Backend } from "../backend/backend.js";
import { MemoryBackend } from "../backend/memory.js";
import { defaultEd25519, type Ed25519Provider } from "../crypto/ed25519.js";
import { SigningKey } from "../crypto/keys.js";
import type { Entry } from "../entry/entry.js";
import type { Doc } from "../crdt/doc.js";
import type { PublicKeyText } from "../entry/types.js";
import { InvalidStateError, LimitExceededError, MalformedError, NotFoundError } from "../errors/errors.js";
import { rootEntry } from "./root-entry.js";
import type { ID } from "../id/id.js";
import { LIMITS } from "../limits.js";
import { systemClock, type Clock } from "../util/clock.js";
import { systemRandom, type Random } from "../util/random.js";
import { Database } from "./database.js";
import { ingestBatch, type IngestResult } from "./ingest.js";
import { InstanceMetadata, type MetadataValue } from "./instance-metadata.js";
import { Quarantine, type QuarantineLimits } from "./quarantine.js";
import { StateCache } from "./state.js";
import { newTreeState, type TreeState, type WriteCallback, type WriteEvent, type WriteSource } from "./tree-state.js";
import { verifyEntry } from "./verify.js";

/** Options of {@link Instance.create} and {@link Instance.open}. */
export interface InstanceOptions {
  /** Where entries live. Default: a new {@link MemoryBackend}. */
  readonly backend?: Backend;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly ed25519?: Ed25519Provider;
  readonly quarantine?: QuarantineLimits;
  /** Called with errors thrown by write callbacks (they are counted either way). */
  readonly onCallbackError?: (error: unknown) => void;
}

/** Options of {@link Instance.createDatabase}. */
export interface CreateDatabaseOptions {
  /** The key that creates the database and becomes its first Admin. Default: the device key. */
  readonly signingKey?: SigningKey;
  /** Initial settings; must not contain `auth`, which is written for the signing key. */
  readonly settings?: Doc;
  /** Sets `_settings.name`. */
  readonly name?: string;
}

/** Options of {@link Instance.ingest}. */
export interface IngestOptions {
  /** The peer the entries came from: quarantine and counters are kept per peer. */
  readonly from: string;
  /**
   * All or nothing (a bootstrap): unless every entry can be stored now, nothing is stored and
   * nothing waits in quarantine. See {@link ingestBatch}.
   */
  readonly atomic?: boolean;
}

/** Counters an instance keeps about one peer's ingests. */
export interface PeerIngestStats {
  stored: number;
  duplicates: number;
  quarantined: number;
  rejected: number;
}

/**
 * A device's handle on a backend.
 *
 * @example
 * ```ts
 * const instance = await Instance.create();
 * const db = await instance.createDatabase({ name: "notes" });
 * await db.withTransaction(async (txn) => (await txn.docStore("todo")).set("milk", true));
 * (await db.storeState("todo")).toPlain(); // { milk: true }
 * ```
 */
export class Instance {
  readonly backend: Backend;
  readonly clock: Clock;
  readonly random: Random;
  readonly ed25519: Ed25519Provider;
  /** The device key: the instance's identity in sync. */
  readonly deviceKey: SigningKey;
  /** Errors thrown by write callbacks. */
  callbackErrors = 0;
  readonly #trees = new Map<ID, TreeState>();
  readonly #callbacks = new Set<WriteCallback>();
  readonly #quarantine: Quarantine;
  readonly #peers = new Map<string, PeerIngestStats>();
  readonly #onCallbackError: ((error: unknown) => void) | undefined;
  readonly #metadata: InstanceMetadata;

  private constructor(options: InstanceOptions, backend: Backend, deviceKey: SigningKey, metadata: InstanceMetadata) {
    this.backend = backend;
    this.#metadata = metadata;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.ed25519 = options.ed25519 ?? defaultEd25519();
    this.deviceKey = deviceKey;
    this.#quarantine = new Quarantine(this.clock, options.quarantine);
    this.#onCallbackError = options.onCallbackError;
  }

  /**
   * Initializes a new instance on an empty backend: generates and stores the device key.
   * @throws {InvalidStateError} if the backend already holds an instance.
   */
  static async create(options: InstanceOptions = {}): Promise<Instance> {
    const backend = options.backend ?? new MemoryBackend();
    if ((await backend.getInstanceRecord("secrets")) !== undefined) {
      throw new InvalidStateError("the backend already holds an instance; open it instead");
    }
    const key = SigningKey.generate(options.random ?? systemRandom, options.ed25519);
    await backend.putInstanceRecord("secrets", JSON.stringify({ signing_key: key.toSecretString() }));
    await backend.putInstanceRecord("metadata", JSON.stringify({ id: key.publicKey }));
    return new Instance(options, backend, key, await InstanceMetadata.load(backend));
  }

  /**
   * Opens the instance a backend holds.
   * @throws {NotFoundError} if it holds none.
   */
  static async open(options: InstanceOptions & { readonly backend: Backend }): Promise<Instance> {
    const secrets = await options.backend.getInstanceRecord("secrets");
    if (secrets === undefined) throw new NotFoundError("the backend holds no instance");
    let parsed: unknown;
    try {
      parsed = JSON.parse(secrets);
    } catch (error) {
      throw new MalformedError("instance secrets are not JSON", "secrets", { cause: error });
    }
    const text = (parsed as { signing_key?: unknown } | null)?.signing_key;
    if (typeof text !== "string") throw new MalformedError("instance secrets hold no signing key", "secrets");
    const key = SigningKey.fromString(text, options.ed25519);
    return new Instance(options, options.backend, key, await InstanceMetadata.load(options.backend));
  }

  /** Opens the backend's instance, or creates one if it holds none. */
  static async openOrCreate(options: InstanceOptions & { readonly backend: Backend }): Promise<Instance> {
    return (await options.backend.getInstanceRecord("secrets")) === undefined
      ? Instance.create(options)
      : Instance.open(options);
  }

  /** The device's public key: its identity in sync. */
  get id(): PublicKeyText {
    return this.deviceKey.publicKey;
  }

  /** @internal The shared state of database `id`. */
  tree(id: ID): TreeState {
    let tree = this.#trees.get(id);
    if (tree === undefined) {
      tree = newTreeState(id, new StateCache(this.backend, id));
      this.#trees.set(id, tree);
    }
    return tree;
  }

  /** IDs of every database held (their root entries), sorted; incomplete ones are left out. */
  async listDatabases(): Promise<ID[]> {
    return (await this.backend.allRoots()).filter((id) => !this.#metadata.isIncomplete(id));
  }

  /**
   * Marks database `id` incomplete (persisted) before its entries arrive, as a bootstrap
   * does: until {@link finishBootstrap}, it is not listed, {@link openDatabase} refuses it, and
   * no write callbacks run for its entries, so a partial history is never visible (reliability
   * E13). Entries keep arriving through {@link ingest}, and an interrupted bootstrap resumes
   * from what is held. Does nothing for a database already held complete.
   */
  async beginBootstrap(id: ID): Promise<void> {
    if (this.#metadata.isIncomplete(id) || (await this.backend.getEntry(id))?.isRoot === true) return;
    await this.#metadata.markIncomplete(id, true);
  }

  /** Makes an incomplete database visible: its history is complete. */
  async finishBootstrap(id: ID): Promise<void> {
    await this.#metadata.markIncomplete(id, false);
  }

  /** True if database `id` is marked incomplete (see {@link beginBootstrap}). */
  isIncomplete(id: ID): boolean {
    return this.#metadata.isIncomplete(id);
  }

  /** Every database marked incomplete, sorted. */
  incompleteDatabases(): ID[] {
    return this.#metadata.incomplete();
  }

  /** A field of the instance's metadata record (spec 3.1), such as the peer store's `sync_db`. */
  metadata(field: string): unknown {
    return this.#metadata.get(field);
  }

  /**
   * Sets (or with `undefined`, removes) a field of the instance's metadata record.
   * @throws {InvalidPathError} for `id` and `incomplete_databases`, which core keeps.
   */
  async setMetadata(field: string, value: MetadataValue | undefined): Promise<void> {
    await this.#metadata.set(field, value);
  }

  /**
   * Creates a database (spec 1.6): a root entry whose settings grant the signing key Admin(0),
   * signed by that key. The root's ID is the database ID.
   */
  async createDatabase(options: CreateDatabaseOptions = {}): Promise<Database> {
    const key = options.signingKey ?? this.deviceKey;
    const root = rootEntry(key, this.random, options);
    const tree = this.tree(root.id);
    await tree.lock.run(async () => {
      await verifyEntry(root, { tree: root.id, source: this.backend, states: tree.states, provider: this.ed25519 });
      await this.backend.putEntries([root], "verified");
    });
    await this.notify(tree, [root.id], "local");
    return new Database(this, tree, key);
  }

  /**
   * Opens a database held by this instance.
   * @throws {NotFoundError} if its root is not held.
   */
  async openDatabase(id: ID, options: { readonly signingKey?: SigningKey } = {}): Promise<Database> {
    const root = await this.backend.getEntry(id);
    if (root === undefined || !root.isRoot) throw new NotFoundError(`database ${id} is not held here`);
    if (this.#metadata.isIncomplete(id)) throw new NotFoundError(`database ${id} is incomplete: its bootstrap has not finished`);
    return new Database(this, this.tree(id), options.signingKey ?? this.deviceKey);
  }

  /** Registers a callback for writes to every database; returns the unsubscribe function. */
  onWrite(callback: WriteCallback): () => void {
    this.#callbacks.add(callback);
    return () => this.#callbacks.delete(callback);
  }

  /**
   * Verifies and stores entries of database `tree` that peer `from` sent (verify before
   * visible; see {@link ingestBatch} for the batch rules). Fires `remote` write callbacks once
   * for the entries that became visible.
   *
   * @throws {LimitExceededError} `entriesPerMessage` if more than {@link LIMITS.entriesPerMessage}
   *   entries are given (nothing is checked or stored).
   */
  async ingest(tree: ID, entries: readonly Entry[], options: IngestOptions): Promise<IngestResult> {
    // DESIGN 5 / reliability E10: too many entries in one push is refused before any work.
    if (entries.length > LIMITS.entriesPerMessage) {
      this.peerStats(options.from).rejected += entries.length;
      throw new LimitExceededError("entriesPerMessage", LIMITS.entriesPerMessage, entries.length);
    }
    const state = this.tree(tree);
    const { result, droppedFromQuarantine } = await state.lock.run(async () => {
      const outcome = await ingestBatch(
        { tree, backend: this.backend, states: state.states, provider: this.ed25519, quarantine: this.#quarantine },
        entries,
        options.from,
        options.atomic === true,
      );
      // Fold the new entries into the cached state of each store they wrote, while they are
      // at hand: the walk stops at the last cached state, so a long sync stays O(batch) per
      // batch and the first read afterwards does not fold the whole history.
      const stores = new Set(outcome.stored.flatMap((entry) => entry.storeNames()));
      for (const store of stores) await state.states.stateAt(store, await this.backend.storeTips(tree, store), this.backend);
      return outcome;
    });
    const stats = this.peerStats(options.from);
    stats.stored += result.verdicts.filter((v) => v.status === "stored").length;
    stats.duplicates += result.duplicates;
    stats.quarantined += result.quarantined;
    stats.rejected += result.rejected;
    // Entries that waited in quarantine and failed verification now count against their sender.
    for (const dropped of droppedFromQuarantine) this.peerStats(dropped.peer).rejected++;
    if (result.stored.length > 0) await this.notify(state, result.stored, "remote", options.from);
    return result;
  }

  /** Ingest counters for one peer (a live object). */
  peerStats(peer: string): PeerIngestStats {
    let stats = this.#peers.get(peer);
    if (stats === undefined) {
      stats = { stored: 0, duplicates: 0, quarantined: 0, rejected: 0 };
      this.#peers.set(peer, stats);
    }
    return stats;
  }

  /** Entries and bytes waiting in quarantine, for one peer or all; and what was dropped. */
  quarantineStatus(peer?: string): { entries: number; bytes: number; evicted: number; expired: number } {
    this.#quarantine.sweep();
    return { ...this.#quarantine.size(peer), ...this.#quarantine.drops };
  }

  /** @internal Runs the database's and the global callbacks for newly visible entries. */
  async notify(tree: TreeState, ids: readonly ID[], source: WriteSource, peer?: string): Promise<void> {
    if (this.#metadata.isIncomplete(tree.id)) return;
    const event: WriteEvent = { database: tree.id, ids, source, ...(peer === undefined ? {} : { peer }) };
    for (const callback of [...tree.callbacks, ...this.#callbacks]) {
      try {
        await callback(event);
      } catch (error) {
        this.callbackErrors++;
        this.#onCallbackError?.(error);
        if (this.#onCallbackError === undefined) console.warn("eidetica: a write callback failed", error);
      }
    }
  }

  /** Closes the backend. */
  async close(): Promise<void> {
    await this.backend.close();
  }
}
