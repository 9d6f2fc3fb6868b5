/**
 * The JSON rows each record is stored as in the `_sync` database (snake_case, as Eidetica's
 * peer store names its fields), and strict readers that turn a row back into a typed record
 * or throw a `MalformedError` naming the bad field.
 */
import {
  MalformedError,
  expectArray,
  expectBoolean,
  expectObject,
  expectString,
  expectUint,
  isJsonObject,
  parseId,
  permissionFromWire,
  permissionToWire,
  type ID,
  type PublicKeyText,
} from "@eidetica/core";
import type {
  Address,
  Ban,
  BootstrapRequest,
  BootstrapRequestStatus,
  PeerRecord,
  PeerStatus,
  Relationship,
  RetryState,
  SyncCursor,
  SyncSettings,
} from "./types.js";

/** How one kind of record is written and read back. */
export interface RowCodec<T> {
  encode(record: T): unknown;
  /** @throws {MalformedError} if the row does not hold such a record. */
  decode(row: unknown, path: string): T;
}

const MAX_LIST = 100_000;
const nullable = <T>(value: unknown, read: (v: unknown) => T): T | null => (value === null || value === undefined ? null : read(value));
const key = (value: unknown, path: string): PublicKeyText => expectString(value, path) as PublicKeyText;
const id = (value: unknown, path: string): ID => parseId(expectString(value, path), path);

function address(value: unknown, path: string): Address {
  const o = expectObject(value, path, ["transport_type", "address"], ["transport_type", "address"]);
  return { transportType: expectString(o["transport_type"], `${path}.transport_type`), address: expectString(o["address"], `${path}.address`) };
}
const addressRow = (a: Address) => ({ transport_type: a.transportType, address: a.address });

export const peerRow: RowCodec<PeerRecord> = {
  encode: (p) => ({
    pubkey: p.pubkey,
    display_name: p.displayName,
    addresses: p.addresses.map(addressRow),
    status: p.status,
    first_seen: p.firstSeen,
    last_seen: p.lastSeen,
    last_successful_sync: p.lastSuccessfulSync,
    connection_attempts: p.connectionAttempts,
    last_error: p.lastError,
  }),
  decode(row, path) {
    const fields = ["pubkey", "display_name", "addresses", "status", "first_seen", "last_seen", "last_successful_sync", "connection_attempts", "last_error"];
    const o = expectObject(row, path, fields, ["pubkey", "addresses", "status", "first_seen", "last_seen", "connection_attempts"]);
    const status = expectString(o["status"], `${path}.status`);
    if (status !== "active" && status !== "inactive") throw new MalformedError(`unknown peer status ${JSON.stringify(status)}`, `${path}.status`);
    return {
      pubkey: key(o["pubkey"], `${path}.pubkey`),
      displayName: nullable(o["display_name"], (v) => expectString(v, `${path}.display_name`)),
      addresses: expectArray(o["addresses"], `${path}.addresses`, MAX_LIST, "addresses").map((a, i) => address(a, `${path}.addresses[${i}]`)),
      status: status as PeerStatus,
      firstSeen: expectUint(o["first_seen"], `${path}.first_seen`),
      lastSeen: expectUint(o["last_seen"], `${path}.last_seen`),
      lastSuccessfulSync: nullable(o["last_successful_sync"], (v) => expectUint(v, `${path}.last_successful_sync`)),
      connectionAttempts: expectUint(o["connection_attempts"], `${path}.connection_attempts`),
      lastError: nullable(o["last_error"], (v) => expectString(v, `${path}.last_error`)),
    };
  },
};

export const relationshipRow: RowCodec<Relationship> = {
  encode: (r) => ({ peer: r.peer, database: r.database, since: r.since }),
  decode(row, path) {
    const o = expectObject(row, path, ["peer", "database", "since"], ["peer", "database", "since"]);
    return { peer: key(o["peer"], `${path}.peer`), database: id(o["database"], `${path}.database`), since: expectUint(o["since"], `${path}.since`) };
  },
};

export const cursorRow: RowCodec<SyncCursor> = {
  encode: (c) => ({ peer: c.peer, database: c.database, tips: c.tips, updated_at: c.updatedAt }),
  decode(row, path) {
    const o = expectObject(row, path, ["peer", "database", "tips", "updated_at"], ["peer", "database", "tips", "updated_at"]);
    return {
      peer: key(o["peer"], `${path}.peer`),
      database: id(o["database"], `${path}.database`),
      tips: expectArray(o["tips"], `${path}.tips`, MAX_LIST, "tips").map((t, i) => id(t, `${path}.tips[${i}]`)),
      updatedAt: expectUint(o["updated_at"], `${path}.updated_at`),
    };
  },
};

export const retryRow: RowCodec<RetryState> = {
  encode: (r) => ({ peer: r.peer, database: r.database, attempts: r.attempts, next_attempt_at: r.nextAttemptAt, last_error: r.lastError }),
  decode(row, path) {
    const fields = ["peer", "database", "attempts", "next_attempt_at", "last_error"];
    const o = expectObject(row, path, fields, fields.slice(0, 4));
    return {
      peer: key(o["peer"], `${path}.peer`),
      database: id(o["database"], `${path}.database`),
      attempts: expectUint(o["attempts"], `${path}.attempts`),
      nextAttemptAt: expectUint(o["next_attempt_at"], `${path}.next_attempt_at`),
      lastError: nullable(o["last_error"], (v) => expectString(v, `${path}.last_error`)),
    };
  },
};

function statusOf(value: unknown, path: string): BootstrapRequestStatus {
  if (value === "pending") return { state: "pending" };
  const o = expectObject(value, path, ["approved", "rejected"]);
  const [state, body] = Object.entries(o)[0] ?? [];
  if (Object.keys(o).length !== 1 || (state !== "approved" && state !== "rejected")) throw new MalformedError("unknown request status", path);
  const b = expectObject(body, `${path}.${state}`, ["by", "at"], ["by", "at"]);
  return { state, by: key(b["by"], `${path}.${state}.by`), at: expectUint(b["at"], `${path}.${state}.at`) };
}

export const requestRow: RowCodec<BootstrapRequest> = {
  encode: (r) => ({
    id: r.id,
    database: r.database,
    requesting_key: r.requestingKey,
    key_name: r.keyName,
    permission: permissionToWire(r.permission),
    requested_at: r.requestedAt,
    status: r.status.state === "pending" ? "pending" : { [r.status.state]: { by: r.status.by, at: r.status.at } },
    peer_key: r.peerKey,
    peer_address: r.peerAddress === null ? null : addressRow(r.peerAddress),
    metadata: r.metadata ?? null,
  }),
  decode(row, path) {
    const fields = ["id", "database", "requesting_key", "key_name", "permission", "requested_at", "status", "peer_key", "peer_address", "metadata"];
    const o = expectObject(row, path, fields, fields.slice(0, 7));
    return {
      id: expectString(o["id"], `${path}.id`),
      database: id(o["database"], `${path}.database`),
      requestingKey: key(o["requesting_key"], `${path}.requesting_key`),
      keyName: expectString(o["key_name"], `${path}.key_name`),
      permission: permissionFromWire(o["permission"], `${path}.permission`),
      requestedAt: expectUint(o["requested_at"], `${path}.requested_at`),
      status: statusOf(o["status"], `${path}.status`),
      peerKey: nullable(o["peer_key"], (v) => key(v, `${path}.peer_key`)),
      peerAddress: nullable(o["peer_address"], (v) => address(v, `${path}.peer_address`)),
      metadata: o["metadata"] ?? null,
    };
  },
};

export const settingsRow: RowCodec<SyncSettings> = {
  encode: (s) => ({ sync_enabled: s.syncEnabled, sync_on_commit: s.syncOnCommit, interval_seconds: s.intervalSeconds, properties: s.properties }),
  decode(row, path) {
    const fields = ["sync_enabled", "sync_on_commit", "interval_seconds", "properties"];
    const o = expectObject(row, path, fields, fields);
    const properties = o["properties"];
    if (!isJsonObject(properties)) throw new MalformedError("expected an object", `${path}.properties`);
    const props: Record<string, string> = {};
    for (const [name, value] of Object.entries(properties)) props[name] = expectString(value, `${path}.properties.${name}`);
    return {
      syncEnabled: expectBoolean(o["sync_enabled"], `${path}.sync_enabled`),
      syncOnCommit: expectBoolean(o["sync_on_commit"], `${path}.sync_on_commit`),
      intervalSeconds: nullable(o["interval_seconds"], (v) => expectUint(v, `${path}.interval_seconds`)),
      properties: props,
    };
  },
};

export const banRow: RowCodec<Ban> = {
  encode: (b) => ({ subject: b.subject, since: b.since, until: b.until, reason: b.reason }),
  decode(row, path) {
    const o = expectObject(row, path, ["subject", "since", "until", "reason"], ["subject", "since", "until", "reason"]);
    return {
      subject: expectString(o["subject"], `${path}.subject`),
      since: expectUint(o["since"], `${path}.since`),
      until: expectUint(o["until"], `${path}.until`),
      reason: expectString(o["reason"], `${path}.reason`),
    };
  },
};

/** Transport state: any JSON value, kept as it is. */
export const jsonRow: RowCodec<unknown> = {
  encode: (value) => value,
  decode: (row) => row,
};
