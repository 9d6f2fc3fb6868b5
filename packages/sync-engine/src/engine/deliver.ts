/**
 * One unit of engine work for one peer: push a database's new entries, or sync it both ways.
 * The peer's addresses are tried in turn, the one that worked last first (an address that
 * works is preferred over the first one stored); a push needs a handshake with the peer once
 * per process (the peer records us), and again if the peer has forgotten us.
 */
import { isEideticaError, missingEntries, type EideticaError, type ID, type PublicKeyText } from "@eidetica/core";
import type { Address } from "@eidetica/protocol";
import { connect, type Connection } from "../client/connect.js";
import type { ClientContext } from "../client/context.js";
import { syncDatabase, type FlowHooks } from "../client/flows.js";
import { sendEntries } from "../client/push.js";
import { NoAddressError, NoTransportError } from "../errors.js";

/** What the engine keeps about reaching peers, across work units. */
export interface Reach {
  /** The address that worked last, per peer. */
  readonly preferred: Map<PublicKeyText, Address>;
  /** Peers handshaken with in this process, by the address used. */
  readonly connected: Map<PublicKeyText, Connection>;
}

/** The peer's addresses, the preferred one first, those no transport can reach left out. */
export function addressesOf(context: ClientContext, reach: Reach, peer: PublicKeyText): Address[] {
  const stored = context.store.peers.get(peer)?.addresses ?? [];
  const preferred = reach.preferred.get(peer);
  const ordered = preferred === undefined ? [...stored] : [preferred, ...stored.filter((a) => a.transportType !== preferred.transportType || a.address !== preferred.address)];
  return ordered.filter((address) => context.transports.canReach(address));
}

/**
 * Tries `work` on each of the peer's addresses until one succeeds, and remembers it.
 * @throws {NoAddressError} if the peer has no address any transport can reach.
 * @throws the last failure if every address failed.
 */
export async function onSomeAddress<T>(context: ClientContext, reach: Reach, peer: PublicKeyText, work: (address: Address) => Promise<T>): Promise<T> {
  const addresses = addressesOf(context, reach, peer);
  if (addresses.length === 0) {
    const stored = context.store.peers.get(peer)?.addresses ?? [];
    const first = stored[0];
    if (first !== undefined) throw new NoTransportError(first);
    throw new NoAddressError(`peer ${peer} has no known address`);
  }
  let last: EideticaError | undefined;
  for (const address of addresses) {
    try {
      const result = await work(address);
      reach.preferred.set(peer, address);
      return result;
    } catch (error) {
      if (!isEideticaError(error) || error.code !== "TRANSPORT") throw error;
      last = error;
    }
  }
  throw last as EideticaError;
}

/**
 * Pushes to `peer` what it lacks of `db` relative to `cursor` (the tips it is known to hold)
 * and moves the cursor. Returns the number of entries sent. (A peer with no cursor is synced
 * both ways instead, by the caller: that learns what it holds.)
 */
export async function pushDatabase(context: ClientContext, reach: Reach, peer: PublicKeyText, db: ID, cursor: readonly ID[]): Promise<number> {
  const { backend } = context.instance;
  const ours = await backend.treeTips(db);
  const missing = await missingEntries(backend, db, ours, cursor);
  if (missing.length === 0) return 0;
  const sent = await onSomeAddress(context, reach, peer, async (address) => {
    try {
      return await sendEntries(context, await connectionTo(context, reach, peer, address, false), db, missing);
    } catch (error) {
      // The peer no longer knows us (it was reset, or removed us): handshake again, once.
      if (!isEideticaError(error) || error.code !== "AUTH_REQUIRED") throw error;
      return sendEntries(context, await connectionTo(context, reach, peer, address, true), db, missing);
    }
  });
  // The peer now holds everything up to our tips, and what it held before.
  const held = new Set((await backend.getEntries(cursor)).flatMap((e) => (e === undefined ? [] : [e.id])));
  context.cursors.set(peer, db, [...ours, ...cursor.filter((id) => !held.has(id))]);
  return sent;
}

/** Syncs `db` with `peer` both ways (pull, then push), on one of its addresses. */
export async function syncWith(context: ClientContext, hooks: FlowHooks, reach: Reach, peer: PublicKeyText, db: ID) {
  return onSomeAddress(context, reach, peer, (address) => syncDatabase(context, hooks, address, db, { expectedPeer: peer }));
}

async function connectionTo(context: ClientContext, reach: Reach, peer: PublicKeyText, address: Address, fresh: boolean): Promise<Connection> {
  const known = reach.connected.get(peer);
  if (!fresh && known !== undefined && known.address.transportType === address.transportType && known.address.address === address.address) return known;
  const connection = await connect(context, address, { expectedPeer: peer });
  reach.connected.set(peer, connection);
  return connection;
}
