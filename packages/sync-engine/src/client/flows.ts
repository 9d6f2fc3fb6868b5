/**
 * The two client flows a `Sync` offers, with their bookkeeping: `syncDatabase` (bidirectional:
 * pull what we lack, push what the peer lacks) and `bootstrapDatabase` (fetch a database we do
 * not hold). Both record the outcome in the peer store (relationship, cursor, peer health) and
 * emit `sync:complete` or `sync:error`.
 */
import { isEideticaError, type Database, type EideticaError, type ID, type Permission, type PublicKeyText, type SigningKey } from "@eidetica/core";
import type { SyncSettings } from "@eidetica/peer-store";
import type { Address } from "@eidetica/protocol";
import { SyncProtocolError } from "../errors.js";
import { fetchDatabase, type AccessRequest } from "./bootstrap.js";
import { connect } from "./connect.js";
import type { CallOptions, ClientContext } from "./context.js";
import { pull } from "./pull.js";
import { push } from "./push.js";

/** What a sync with a peer did. */
export interface SyncReport {
  readonly peer: PublicKeyText;
  readonly database: ID;
  readonly address: Address;
  /** Entries that became visible here. */
  readonly received: number;
  /** Entries sent to the peer. */
  readonly sent: number;
  /** True if the database was fetched (it was not held before). */
  readonly bootstrap: boolean;
}

/** Options of a sync with a peer. */
export interface SyncOptions extends CallOptions {
  /** The key that signs reads (it needs Read on a private database). Default: the device key. */
  readonly signingKey?: SigningKey;
  /** The key the peer must have. */
  readonly expectedPeer?: PublicKeyText;
}

/** Options of a bootstrap. */
export interface BootstrapOptions extends CallOptions, AccessRequest {
  /** The key the peer must have. */
  readonly expectedPeer?: PublicKeyText;
  /** How to sync the database once it is here. Default: enabled, push on commit. */
  readonly settings?: Partial<SyncSettings>;
}

/** What a bootstrap brought. */
export interface BootstrapResult extends SyncReport {
  /** The database, opened with the requesting key (else the signing key) if one was given. */
  readonly db: Database;
  /** True if the server approved the requesting key. */
  readonly keyApproved: boolean;
  /** The permission the server granted the requesting key, if any. */
  readonly grantedPermission: Permission | null;
}

/** @internal What the flows report to the `Sync` that runs them. */
export interface FlowHooks {
  started(db: ID): void;
  finished(db: ID, error: EideticaError | undefined): void;
}

/** Syncs database `db` (held here) with the peer at `address`, both ways. */
export async function syncDatabase(context: ClientContext, hooks: FlowHooks, address: Address, db: ID, options: SyncOptions = {}): Promise<SyncReport> {
  return tracked(context, hooks, address, db, false, async () => {
    const connection = await connect(context, address, options);
    const pulled = await pull(context, connection, db, options.signingKey ?? context.instance.deviceKey, options);
    const sent = await push(context, connection, db, pulled.theirTips, options);
    return { peer: connection.peer, received: pulled.received, sent, result: {} };
  });
}

/** Fetches database `db` from the peer at `address` (see {@link fetchDatabase}). */
export async function bootstrapDatabase(context: ClientContext, hooks: FlowHooks, address: Address, db: ID, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  return tracked(context, hooks, address, db, true, async () => {
    const connection = await connect(context, address, options);
    const fetched = await fetchDatabase(context, connection, db, options, options);
    const { databases } = context.store;
    if (!databases.has(db) || options.settings !== undefined) {
      await databases.set(db, { ...databases.get(db), syncEnabled: true, syncOnCommit: true, ...options.settings });
    }
    const key = options.requestingKey ?? options.signingKey;
    const opened = await context.instance.openDatabase(db, key === undefined ? {} : { signingKey: key });
    return {
      peer: connection.peer,
      received: fetched.received,
      sent: 0,
      result: { db: opened, keyApproved: fetched.keyApproved, grantedPermission: fetched.grantedPermission },
    };
  });
}

/** Runs a flow, then records and announces how it went. */
async function tracked<T extends object>(
  context: ClientContext,
  hooks: FlowHooks,
  address: Address,
  db: ID,
  bootstrap: boolean,
  run: () => Promise<{ peer: PublicKeyText; received: number; sent: number; result: T }>,
): Promise<SyncReport & T> {
  hooks.started(db);
  let peer: PublicKeyText | undefined;
  try {
    const outcome = await run();
    peer = outcome.peer;
    const { store } = context;
    await store.relationships.add(peer, db);
    context.cursors.set(peer, db, await context.instance.backend.treeTips(db));
    await store.peers.recordSuccess(peer);
    const report: SyncReport = { peer, database: db, address, received: outcome.received, sent: outcome.sent, bootstrap };
    hooks.finished(db, undefined);
    context.events.emit("sync:complete", report);
    return { ...report, ...outcome.result };
  } catch (thrown) {
    const error = isEideticaError(thrown) ? thrown : new SyncProtocolError("the sync failed unexpectedly", { cause: thrown });
    if (!isEideticaError(thrown)) context.logger.error("a sync failed unexpectedly", { error: thrown });
    peer ??= context.store.peers.list().find((p) => p.addresses.some((a) => a.transportType === address.transportType && a.address === address.address))?.pubkey;
    if (peer !== undefined && context.store.peers.has(peer)) {
      try {
        await context.store.peers.recordFailure(peer, `${error.code}: ${error.message}`);
      } catch (failure) {
        context.logger.error("could not record a failed sync", { error: failure });
      }
    }
    hooks.finished(db, error);
    context.events.emit("sync:error", { peer, database: db, address, error });
    throw error;
  }
}
