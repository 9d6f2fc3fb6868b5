/** What every part of the request handler shares. */
import { AuthSettings, type Clock, type ID, type Instance, type Random } from "@eidetica/core";
import type { PeerStore } from "@eidetica/peer-store";
import type { Address } from "@eidetica/protocol";
import type { ApprovalPolicy } from "../approval.js";
import type { CursorBook } from "../cursors.js";
import type { SyncEvents } from "../events.js";
import type { Logger } from "../logger.js";
import type { NonceBook } from "./nonces.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { PageCache } from "./pages.js";
import type { Penalties } from "./penalties.js";

/** @internal The handler's view of its node. */
export interface ServerContext {
  readonly instance: Instance;
  readonly store: PeerStore;
  /** What each peer is known to hold: served requests and pushes tell. */
  readonly cursors: CursorBook;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly events: SyncEvents;
  readonly nonces: NonceBook;
  readonly penalties: Penalties;
  readonly pages: PageCache;
  readonly approval: ApprovalPolicy;
  /** Access requests are decided one at a time per database and key. */
  readonly approvals: KeyedLock;
  /** The name this node gives in handshakes. */
  readonly displayName: string;
  /** Where this node's servers listen now. */
  readonly listenAddresses: () => Address[];
}

/**
 * True if this node serves database `db`: it holds it complete, sync is enabled for it, and it
 * is not the local `_sync` database. Anything else is answered as if the database did not
 * exist (reliability H6).
 */
export async function serves(context: ServerContext, db: ID): Promise<boolean> {
  if (db === context.store.databaseId || context.instance.isIncomplete(db)) return false;
  if (!context.store.databases.isEnabled(db)) return false;
  return (await context.instance.backend.getEntry(db))?.isRoot === true;
}

/** The database's auth settings now. */
export async function authOf(context: ServerContext, db: ID): Promise<AuthSettings> {
  return (await context.instance.openDatabase(db)).auth();
}

/** True if reading the database needs a proven key with Read (spec 4.7 b): it has grants and no active global grant. */
export function readNeedsKey(auth: AuthSettings): boolean {
  return auth.hasAuth && !auth.isPublic;
}

/** The one answer for a database this node does not serve to this requester (reliability H6). */
export function notFoundText(db: ID): string {
  return `Tree not found: ${db}`;
}
