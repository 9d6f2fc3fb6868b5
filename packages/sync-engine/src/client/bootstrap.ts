/**
 * Bootstrap, client side (spec 5.6, 5.8; reliability E13, R8): fetch a database this node
 * does not hold, page by page, each page verified and stored all or nothing, while the
 * database stays incomplete (not listed, not openable) until every page is in. An interrupted
 * bootstrap resumes from what is held; a refused one leaves nothing visible.
 */
import type { Doc, ID, Permission, SigningKey } from "@eidetica/core";
import { BootstrapPendingError, SyncProtocolError } from "../errors.js";
import { connect, type Connection } from "./connect.js";
import { send, syncTreeRequest, type CallOptions, type ClientContext } from "./context.js";
import { pull } from "./pull.js";
import { receivePage } from "./receive.js";
import { tipsAfter } from "../server/pages.js";

/** What to ask for when bootstrapping. */
export interface AccessRequest {
  /** The key to be granted access (and to sign with). Default: none; the device key signs. */
  readonly requestingKey?: SigningKey;
  /** The name to grant it under. Default: its public key. */
  readonly keyName?: string;
  /** The permission to ask for. Without it the server grants what the key already holds. */
  readonly permission?: Permission;
  /** Context for the approver (stored with a pending request). */
  readonly metadata?: Doc;
  /** The key that signs the reads. Default: the requesting key, else the device key. */
  readonly signingKey?: SigningKey;
}

/** What a bootstrap brought. */
export interface BootstrapFetch {
  readonly received: number;
  readonly keyApproved: boolean;
  readonly grantedPermission: Permission | null;
  readonly theirTips: readonly ID[];
}

/**
 * Fetches database `db` from `connection`'s server into this node, complete and verified.
 * @throws {BootstrapPendingError} if access waits for an Admin (nothing is stored).
 * @throws {SyncProtocolError} if the server sends another database's root, or stops short.
 * @throws {EntriesRejectedError} if a page fails verification (that page is not stored).
 */
export async function fetchDatabase(context: ClientContext, connection: Connection, db: ID, access: AccessRequest, options: CallOptions = {}): Promise<BootstrapFetch> {
  const { instance } = context;
  await instance.beginBootstrap(db);
  try {
    return await fetchInto(context, connection, db, access, options);
  } catch (error) {
    // Nothing arrived (a refusal, a pending request): no incomplete database is left behind.
    if (!(await instance.backend.hasEntry(db))) await instance.finishBootstrap(db);
    throw error;
  }
}

async function fetchInto(context: ClientContext, connection: Connection, db: ID, access: AccessRequest, options: CallOptions): Promise<BootstrapFetch> {
  const { instance } = context;
  const signer = access.signingKey ?? access.requestingKey ?? instance.deviceKey;
  let received = 0;
  let keyApproved = false;
  let grantedPermission: Permission | null = null;
  let fresh = connection;
  let firstTips: ID[] = [];
  if ((await instance.backend.treeTips(db)).length === 0) {
    const key = access.requestingKey;
    const request = syncTreeRequest(context, connection, db, [], signer, {
      requestingKey: key?.publicKey ?? null,
      requestingKeyName: key === undefined ? null : (access.keyName ?? key.publicKey),
      requestedPermission: key === undefined ? null : (access.permission ?? null),
      metadata: access.metadata ?? null,
    });
    const response = await send(context, connection.address, request, options);
    if (response.kind === "BootstrapPending") throw new BootstrapPendingError(response.requestId, `access to ${db} is pending approval (request ${response.requestId})`);
    if (response.kind !== "Bootstrap") throw new SyncProtocolError(`the peer answered a bootstrap request with ${response.kind}`);
    const { rootEntry, allEntries } = response.bootstrap;
    // E13: a root that is not the database asked for is refused before anything is stored.
    if (response.bootstrap.treeId !== db || rootEntry.id !== db || !rootEntry.isRoot) {
      throw new SyncProtocolError(`the peer sent ${rootEntry.id} as the root of ${db}`);
    }
    received += await receivePage(context, connection.peer, db, [rootEntry, ...allEntries], true);
    context.events.emit("sync:progress", { peer: connection.peer, database: db, direction: "pull", have: received, want: null });
    firstTips = tipsAfter([], [rootEntry, ...allEntries]);
    keyApproved = response.bootstrap.keyApproved;
    grantedPermission = response.bootstrap.grantedPermission;
    // The handshake's challenge is used: the pull signs over a fresh one.
    fresh = await connect(context, connection.address, { ...options, expectedPeer: connection.peer, register: false });
  }
  // The pull's progress counts on from the bootstrap's first page.
  const rest = await pull(context, fresh, db, signer, { ...options, atomic: true, firstTips, progressFrom: received });
  received += rest.received;
  // The server had nothing more: every tip it reported must be here now.
  for (const tip of rest.theirTips) {
    if (!(await instance.backend.hasEntry(tip))) throw new SyncProtocolError(`the peer's tip ${tip} never arrived; the bootstrap stays incomplete`);
  }
  await instance.finishBootstrap(db);
  // Everything became visible at once: one event names it all, parents first.
  const ids = (await instance.backend.ancestors(db, await instance.backend.treeTips(db))).map((entry) => entry.id);
  context.events.emit("entry:received", { peer: connection.peer, database: db, ids });
  return { received, keyApproved, grantedPermission, theirTips: rest.theirTips };
}
