/**
 * {@link Transaction} (spec 3.3): stages writes to several stores at a fixed set of parents
 * and commits them as one signed entry.
 */
import { Doc } from "../crdt/doc.js";
import { docToJsonBytes } from "../crdt/json.js";
import { EntryBuilder } from "../entry/builder.js";
import { encodeEntryMetadata } from "../entry/metadata.js";
import { signEntry, type SignEntryOptions } from "../entry/signing.js";
import { AuthSettings } from "../auth/settings.js";
import { INDEX_STORE, SETTINGS_STORE, type PublicKeyText } from "../entry/types.js";
import { InvalidPathError, InvalidStateError, StoreTypeMismatchError } from "../errors/errors.js";
import { sortedUniqueIds, type ID } from "../id/id.js";
import type { Database } from "./database.js";
import { DocStore, DOCSTORE_TYPE } from "./stores/doc-store.js";
import { StoreDraft } from "./stores/draft.js";
import { SettingsStore, parseHeightStrategy, type HeightStrategy } from "./stores/settings-store.js";
import { Table, TABLE_TYPE, type TableOptions } from "./stores/table.js";
import { verifyEntry } from "./verify.js";

/**
 * A set of staged writes at fixed parents (the tips when it began). Get stores with
 * {@link Transaction.docStore}, {@link Transaction.table} and {@link Transaction.settings};
 * {@link Transaction.commit} builds, signs, verifies and stores the entry.
 */
export class Transaction {
  readonly database: Database;
  /** The entry's main parents: the database tips when the transaction began. */
  readonly parents: readonly ID[];
  readonly #readOnly: boolean;
  readonly #drafts = new Map<string, StoreDraft>();
  readonly #storeTips = new Map<string, Promise<ID[]>>();
  #registered = new Doc();
  #committed = false;

  private constructor(database: Database, parents: readonly ID[], readOnly: boolean) {
    this.database = database;
    this.parents = parents;
    this.#readOnly = readOnly;
  }

  /** @internal Use {@link Database.newTransaction}. */
  static async begin(database: Database, parents: readonly ID[], readOnly = false): Promise<Transaction> {
    return new Transaction(database, sortedUniqueIds(parents), readOnly);
  }

  /** A DocStore (`docstore:v0`), registered in `_index` on first use. */
  async docStore(name: string): Promise<DocStore> {
    return new DocStore(await this.#userStore(name, DOCSTORE_TYPE));
  }

  /** A typed table (`table:v0`), registered in `_index` on first use. */
  async table<T>(name: string, options?: TableOptions<T>): Promise<Table<T>> {
    return new Table<T>(await this.#userStore(name, TABLE_TYPE), options);
  }

  /** The `_settings` store. Committing changes to it needs an Admin key. */
  async settings(): Promise<SettingsStore> {
    return new SettingsStore(await this.#draft(SETTINGS_STORE));
  }

  /** The store tips as of this transaction's parents. */
  #tipsOf(store: string): Promise<ID[]> {
    let tips = this.#storeTips.get(store);
    if (tips === undefined) {
      tips = this.#computeTips(store);
      this.#storeTips.set(store, tips);
    }
    return tips;
  }

  async #computeTips(store: string): Promise<ID[]> {
    const backend = this.database.instance.backend;
    const now = await backend.treeTips(this.database.id);
    if (now.length === this.parents.length && now.every((id, i) => id === this.parents[i])) {
      return backend.storeTips(this.database.id, store);
    }
    // The database moved on since the transaction began: find the tips within its parents.
    const inStore = (await backend.ancestors(this.database.id, this.parents)).filter((e) => e.hasStore(store));
    const named = new Set(inStore.flatMap((e) => e.storeParents(store)));
    return sortedUniqueIds(inStore.map((e) => e.id).filter((id) => !named.has(id)));
  }

  async #draft(store: string): Promise<StoreDraft> {
    this.#checkOpen();
    let draft = this.#drafts.get(store);
    if (draft === undefined) {
      const { instance } = this.database;
      const base = await this.database.treeState.states.stateAt(store, await this.#tipsOf(store), instance.backend);
      draft = this.#drafts.get(store) ?? new StoreDraft(store, base, this.#readOnly, instance.random);
      this.#drafts.set(store, draft);
    }
    return draft;
  }

  async #userStore(name: string, type: string): Promise<StoreDraft> {
    if (name.length === 0 || name.startsWith("_") || name.includes(".")) {
      throw new InvalidPathError(`store names are non-empty, without dots, and not starting with _: ${JSON.stringify(name)}`);
    }
    const index = await this.#draft(INDEX_STORE);
    const existing = index.full.getText(`${name}.type`) ?? this.#registered.getText(`${name}.type`);
    if (existing !== undefined && existing !== type) {
      throw new StoreTypeMismatchError(`store ${name} is a ${existing}, not a ${type}`);
    }
    if (existing === undefined && !this.#readOnly) {
      this.#registered = this.#registered.set(name, Doc.from({ type, config: {} }));
    }
    return this.#draft(name);
  }

  #checkOpen(): void {
    if (this.#committed) throw new InvalidStateError("the transaction is already committed");
  }

  /**
   * Builds the entry (parents, store parents, heights, the settings pin), signs it with the
   * database key, verifies it exactly as a received entry, stores it and returns its ID.
   *
   * @throws {UnauthorizedError} if the key may not write this (Admin is needed for settings).
   * @throws {InvalidStateError} if already committed or read-only.
   */
  async commit(): Promise<ID> {
    this.#checkOpen();
    if (this.#readOnly) throw new InvalidStateError("a read-only view cannot be committed");
    if (this.parents.length === 0) throw new InvalidStateError("a transaction needs parents; create databases with Instance.createDatabase");
    this.#committed = true;
    const { instance, id: tree } = this.database;
    const { backend } = instance;

    // Registrations go into `_index`, whose draft exists since registering read it.
    const registered = this.#registered;
    if (registered.rawEntries().length > 0) this.#drafts.get(INDEX_STORE)?.update((delta) => delta.merge(registered));
    const written = [...this.#drafts.values()].filter((draft) => draft.changed);
    const registeredNames = this.#registered.keys();
    const names = new Set([...written.map((d) => d.name), ...registeredNames]);

    const settingsTips = await this.#tipsOf(SETTINGS_STORE);
    const settingsNow = await this.database.treeState.states.stateAt(SETTINGS_STORE, settingsTips, backend);
    const parentEntries = await backend.getEntries(this.parents);
    const maxHeight = Math.max(...parentEntries.map((e) => e?.height ?? 0));
    const height = nextHeight(parseHeightStrategy(settingsNow.getText("height_strategy")), maxHeight, instance.clock.nowMillis());

    const builder = new EntryBuilder(tree)
      .parents(this.parents)
      .height(height)
      .metadata(encodeEntryMetadata({ settingsTips, entropy: null }));
    for (const name of names) {
      const draft = this.#drafts.get(name);
      const data = draft?.changed === true ? docToJsonBytes(draft.delta) : undefined;
      builder.storeData(name, data).storeParents(name, await this.#tipsOf(name));
    }
    const entry = signEntry(builder.build(), this.database.signingKey, signingOptions(settingsNow, this.database.signingKey.publicKey));

    const state = this.database.treeState;
    const added = await state.lock.run(async () => {
      await verifyEntry(entry, { tree, source: backend, states: state.states, provider: instance.ed25519 });
      const stored = await backend.putEntries([entry], "verified");
      for (const draft of written) await state.states.putCommitted(draft.name, [entry.id], draft.full);
      return stored;
    });
    // An identical entry (same parents, writes and key) may already be held: announce it once.
    if (added.length > 0) await instance.notify(state, [entry.id], "local");
    return entry.id;
  }
}

/**
 * How to name the signing key (spec 4.6 `find_sigkeys`): by its own grant when it has an
 * active one, else under the active global grant (a hint with `is_global`), else by its key
 * (and verification refuses it).
 */
function signingOptions(settings: Doc, pubkey: PublicKeyText): SignEntryOptions {
  let auth: AuthSettings;
  try {
    auth = AuthSettings.fromSettings(settings);
  } catch {
    return {}; // corrupted auth: verification reports it
  }
  if (auth.key(pubkey)?.status === "Active" || auth.global?.status !== "Active") return {};
  return { sigKey: { Direct: { hint: { pubkey, is_global: true } } } };
}

function nextHeight(strategy: HeightStrategy, maxParent: number, now: number): number {
  return strategy === "timestamp" ? Math.max(now, maxParent + 1) : maxParent + 1;
}
