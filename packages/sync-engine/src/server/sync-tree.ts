/**
 * SyncTree, server side (spec 5.4, 5.6): the request's own proof is checked first, then the
 * gate (a database this node serves), then access; the answer is the first page of what the
 * peer lacks. Empty tips ask for a bootstrap (`Bootstrap`: the root and a first page), other
 * tips for an incremental page (`Incremental`: our tips and a page). Every refusal for lack of
 * access is the same `not_found` as for a database that does not exist, with no entry and no
 * `_settings` (reliability H6).
 */
import { type Database, type ID, type PublicKeyText } from "@eidetica/core";
import { responseWireBytes, wireError, type RequestContext, type SyncResponse, type SyncTreeRequest } from "@eidetica/protocol";
import { anyReader, decideBootstrap } from "./bootstrap-access.js";
import { notFoundText, readNeedsKey, serves, type ServerContext } from "./context.js";
import { provenSigner } from "./read-auth.js";

/** Answers a SyncTree request. */
export async function handleSyncTree(context: ServerContext, request: SyncTreeRequest, transport: RequestContext): Promise<SyncResponse> {
  const signer = await provenSigner(context, request, transport);
  const proven = new Set<PublicKeyText>();
  if (transport.peerKey !== undefined) proven.add(transport.peerKey);
  if (signer !== undefined) proven.add(signer);
  const db = request.treeId;
  if (!(await serves(context, db))) return wireError("not_found", notFoundText(db));
  const database = await context.instance.openDatabase(db);
  const response = request.ourTips.length === 0 ? await bootstrap(context, database, request, proven, transport) : await incremental(context, database, request, proven, transport);
  if (response.kind === "Bootstrap" || response.kind === "Incremental") {
    await trackRelationship(context, db, request.peerPubkey, proven, transport);
    // The peer holds what it named (the tips we hold): pushes to it start from there.
    const peer = request.peerPubkey;
    if (peer !== null && proven.has(peer) && request.ourTips.length > 0) {
      const held = (await context.instance.backend.getEntries(request.ourTips)).flatMap((entry) => (entry?.inTree(db) === true ? [entry.id] : []));
      if (held.length > 0) context.cursors.set(peer, db, held);
    }
  }
  return response;
}

async function incremental(context: ServerContext, db: Database, request: SyncTreeRequest, proven: ReadonlySet<PublicKeyText>, transport: RequestContext): Promise<SyncResponse> {
  const auth = await db.auth();
  if (readNeedsKey(auth) && !anyReader(auth, proven)) return wireError("not_found", notFoundText(db.id));
  const now = context.clock.nowMillis();
  const ours = await db.tips();
  const missing = await context.pages.missing(context.instance.backend, db.id, ours, request.ourTips, now);
  const envelope = responseWireBytes({ kind: "Incremental", incremental: { treeId: db.id, theirTips: ours, missingEntries: [] } });
  const page = context.pages.page(db.id, ours, request.ourTips, missing, envelope, now, transport.maxMessageBytes);
  return { kind: "Incremental", incremental: { treeId: db.id, theirTips: ours, missingEntries: page } };
}

async function bootstrap(
  context: ServerContext,
  db: Database,
  request: SyncTreeRequest,
  proven: ReadonlySet<PublicKeyText>,
  transport: RequestContext,
): Promise<SyncResponse> {
  const decision = await decideBootstrap(context, db, request, proven, transport);
  if ("kind" in decision) return decision;
  const root = await db.entry(db.id);
  if (root === undefined) return wireError("not_found", notFoundText(db.id));
  const now = context.clock.nowMillis();
  // Bootstrap again after an approval may have committed a grant: read the tips afterwards.
  const ours = await db.tips();
  const all = await context.pages.missing(context.instance.backend, db.id, ours, [], now);
  const rest = all.filter((entry) => entry.id !== db.id);
  const empty = { kind: "Bootstrap" as const, bootstrap: { treeId: db.id, rootEntry: root, allEntries: [], ...decision } };
  // The root travels in its own field; the page continues after it.
  const page = context.pages.page(db.id, ours, [db.id], rest, responseWireBytes(empty), now, transport.maxMessageBytes);
  return { kind: "Bootstrap", bootstrap: { ...empty.bootstrap, allEntries: page } };
}

/**
 * Relates the requesting peer to the database once it was served, if its key is proven: by
 * the transport, or by signing this request itself. A peer proven only by its signature is
 * registered here (a client whose transport does not authenticate).
 */
async function trackRelationship(
  context: ServerContext,
  db: ID,
  peer: PublicKeyText | null,
  proven: ReadonlySet<PublicKeyText>,
  transport: RequestContext,
): Promise<void> {
  if (peer === null || !proven.has(peer) || peer === context.instance.id) return;
  if (!context.store.peers.has(peer)) {
    await context.store.peers.register(peer, { addresses: transport.remoteAddress === undefined ? [] : [transport.remoteAddress] });
  }
  await context.store.relationships.add(peer, db);
}
