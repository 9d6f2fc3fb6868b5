/** The records a {@link PeerStore} keeps. Times are milliseconds on the instance's clock. */
import type { ID, Permission, PublicKeyText } from "@eidetica/core";

/**
 * Where a peer listens: a transport kind and an address in that transport's format. The same
 * shape as `@eidetica/protocol`'s `Address` (this package depends on core only).
 */
export interface Address {
  readonly transportType: string;
  readonly address: string;
}

/** Whether a peer takes part in sync. */
export type PeerStatus = "active" | "inactive";

/** A peer this node has met, identified by its proven device key. */
export interface PeerRecord {
  readonly pubkey: PublicKeyText;
  readonly displayName: string | null;
  /** Addresses it listens at or was seen at, in the order they were learned, without repeats. */
  readonly addresses: readonly Address[];
  readonly status: PeerStatus;
  readonly firstSeen: number;
  /** When it was last seen, to {@link PeerStoreOptions.seenResolutionMs}. */
  readonly lastSeen: number;
  readonly lastSuccessfulSync: number | null;
  /** Failed attempts since the last successful sync. */
  readonly connectionAttempts: number;
  readonly lastError: string | null;
}

/** A database this node syncs with a peer. */
export interface Relationship {
  readonly peer: PublicKeyText;
  readonly database: ID;
  readonly since: number;
}

/** The tips a peer is known to hold for a database: what exact diffs to it start from. */
export interface SyncCursor {
  readonly peer: PublicKeyText;
  readonly database: ID;
  /** Sorted, without repeats. */
  readonly tips: readonly ID[];
  readonly updatedAt: number;
}

/** Pending retries of sends to a peer for a database. */
export interface RetryState {
  readonly peer: PublicKeyText;
  readonly database: ID;
  /** Failed attempts so far (1 after the first failure). */
  readonly attempts: number;
  /** When the next attempt is due. */
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
}

/** Where a bootstrap request stands. */
export type BootstrapRequestStatus =
  | { readonly state: "pending" }
  | { readonly state: "approved"; readonly by: PublicKeyText; readonly at: number }
  | { readonly state: "rejected"; readonly by: PublicKeyText; readonly at: number };

/** A request for access to a database, waiting for (or decided by) an Admin. */
export interface BootstrapRequest {
  /** A UUID. */
  readonly id: string;
  readonly database: ID;
  /** The key asking for access (proven by its signature on the request). */
  readonly requestingKey: PublicKeyText;
  readonly keyName: string;
  readonly permission: Permission;
  readonly requestedAt: number;
  readonly status: BootstrapRequestStatus;
  /** The device key of the peer that sent the request, when the transport proved it. */
  readonly peerKey: PublicKeyText | null;
  readonly peerAddress: Address | null;
  /** Free-form context for the approver (the request's `metadata` Doc, as JSON), if any. */
  readonly metadata: unknown;
}

/** What a new bootstrap request carries; the store adds the ID, time and status. */
export type NewBootstrapRequest = Omit<BootstrapRequest, "id" | "requestedAt" | "status">;

/** How this node syncs one database (spec 5.12 `SyncSettings`). */
export interface SyncSettings {
  /** Serve the database to peers and accept pushes for it. */
  readonly syncEnabled: boolean;
  /** Push local commits to related peers as they happen. */
  readonly syncOnCommit: boolean;
  /** Seconds between anti-entropy rounds, or null for none. */
  readonly intervalSeconds: number | null;
  readonly properties: Readonly<Record<string, string>>;
}

/** A timed ban of a misbehaving sender. */
export interface Ban {
  /** The sender: `key:<public key>` or `address:<transport>:<address>`. */
  readonly subject: string;
  readonly since: number;
  readonly until: number;
  readonly reason: string;
}
