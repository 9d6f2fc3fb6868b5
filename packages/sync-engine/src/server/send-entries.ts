/**
 * SendEntries, server side (spec 5.9, tightened): accepted only from a peer whose key the
 * transport proved and who completed a handshake with this node (reliability H7, H8), and
 * only for databases this node serves; every entry goes through verify-before-visible ingest
 * (DESIGN 4.2). Nothing is stored for a push that names a database not served here.
 */
import { LIMITS, LimitExceededError, type Entry, type ID } from "@eidetica/core";
import { wireError, type RequestContext, type SyncResponse } from "@eidetica/protocol";
import { AuthRequiredError, EntriesRejectedError } from "../errors.js";
import { notFoundText, serves, type ServerContext } from "./context.js";
import { subjectOf } from "./penalties.js";

/** Answers a push: `Ack` for at most one entry, else `Count` of the entries accepted. */
export async function handleSendEntries(context: ServerContext, entries: readonly Entry[], transport: RequestContext): Promise<SyncResponse> {
  const peer = transport.peerKey;
  if (peer === undefined || !context.store.peers.has(peer)) {
    await context.penalties.invalid(subjectOf(transport), "push without an authenticated handshake");
    throw new AuthRequiredError(
      peer === undefined ? "a push needs a transport that authenticates the sender" : "a push needs a handshake first",
    );
  }
  if (entries.length > LIMITS.entriesPerMessage) {
    await context.penalties.invalid(subjectOf(transport), "push above the entries-per-message limit");
    throw new LimitExceededError("entriesPerMessage", LIMITS.entriesPerMessage, entries.length);
  }
  const byDatabase = new Map<ID, Entry[]>();
  for (const entry of entries) {
    const db = entry.rootId;
    let group = byDatabase.get(db);
    if (group === undefined) byDatabase.set(db, (group = []));
    group.push(entry);
  }
  for (const db of byDatabase.keys()) if (!(await serves(context, db))) return wireError("not_found", notFoundText(db));

  let accepted = 0;
  const rejected: string[] = [];
  for (const [db, group] of byDatabase) {
    const result = await context.instance.ingest(db, group, { from: peer });
    accepted += group.length - result.rejected;
    // The sender holds what it sent (stored now, or held already).
    const held = result.verdicts.filter((v) => v.status === "stored" || v.status === "duplicate").map((v) => v.id);
    await context.cursors.learn(context.instance.backend, peer, db, held);
    if (result.stored.length > 0) context.events.emit("entry:received", { peer, database: db, ids: result.stored });
    for (const verdict of result.verdicts) {
      if (verdict.status !== "rejected" || verdict.error === undefined) continue;
      context.events.emit("entry:rejected", { peer, database: db, id: verdict.id, error: verdict.error });
      rejected.push(`${verdict.id}: ${verdict.error.code}`);
    }
  }
  if (rejected.length > 0) {
    await context.penalties.invalid(subjectOf(transport), "pushed entries failed verification");
    throw new EntriesRejectedError(`${rejected.length} of ${entries.length} entries rejected (the others were accepted); first: ${rejected[0]}`);
  }
  return entries.length <= 1 ? { kind: "Ack" } : { kind: "Count", count: accepted };
}
