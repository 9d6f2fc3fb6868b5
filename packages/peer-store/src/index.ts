/**
 * @eidetica/peer-store: the persisted state of Eidetica sync, kept in the instance's `_sync`
 * database on any backend: peers and their addresses, database/peer relationships, sync
 * cursors, retry state, bootstrap requests, per-database sync settings, transport state and
 * timed bans.
 *
 * @example
 * ```ts
 * import { PeerStore } from "@eidetica/peer-store";
 *
 * const store = await PeerStore.open(instance);
 * await store.databases.set(db.id, { syncEnabled: true, syncOnCommit: true, intervalSeconds: null, properties: {} });
 * await store.peers.register(peerKey, { displayName: "laptop" });
 * await store.relationships.add(peerKey, db.id);
 * ```
 * @packageDocumentation
 */
export { PeerStore, SYNC_DB_FIELD, type PeerStoreOptions } from "./peer-store.js";
export { Peers, type PeerSighting } from "./peers.js";
export { Relationships } from "./relationships.js";
export { Cursors } from "./cursors.js";
export { Retries } from "./retries.js";
export { BootstrapRequests, MAX_PENDING_PER_DATABASE } from "./requests.js";
export { DatabaseSettings, SYNC_DISABLED } from "./database-settings.js";
export { TransportStates } from "./transports.js";
export { Bans } from "./bans.js";
export type {
  Address,
  Ban,
  BootstrapRequest,
  BootstrapRequestStatus,
  NewBootstrapRequest,
  PeerRecord,
  PeerStatus,
  Relationship,
  RetryState,
  SyncCursor,
  SyncSettings,
} from "./types.js";
