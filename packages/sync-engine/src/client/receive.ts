/**
 * Entries arriving as a client are treated exactly as a server treats a push: verified before
 * they are visible (DESIGN 4.2), rejections reported, nothing invalid stored.
 */
import type { Entry, ID, IngestResult, PublicKeyText } from "@eidetica/core";
import { entryWireBytes } from "@eidetica/protocol";
import { EntriesRejectedError, SyncProtocolError } from "../errors.js";
import type { ClientContext } from "./context.js";

/**
 * Ingests one page from `peer` into `db` (all or nothing when `atomic`, as for a bootstrap)
 * and returns how many entries became visible.
 * @throws {EntriesRejectedError} if any entry failed verification (an atomic page stores nothing then).
 * @throws {SyncProtocolError} if entries came without their parents (a page is parents first).
 */
export async function receivePage(context: ClientContext, peer: PublicKeyText, db: ID, entries: readonly Entry[], atomic: boolean): Promise<number> {
  const result: IngestResult = await context.instance.ingest(db, entries, { from: peer, atomic });
  context.metrics.entriesReceived.inc(result.stored.length);
  context.metrics.bytesReceived.inc(entries.reduce((n, entry) => n + entryWireBytes(entry), 0));
  context.metrics.entriesRejected.inc(result.rejected);
  // A bootstrap's entries are announced when the database becomes visible, not page by page.
  if (result.stored.length > 0 && !context.instance.isIncomplete(db)) context.events.emit("entry:received", { peer, database: db, ids: result.stored });
  const rejected = result.verdicts.filter((v) => v.status === "rejected");
  for (const verdict of rejected) {
    // Entries refused only because their page was refused whole were not found invalid.
    if (verdict.error !== undefined && verdict.error.code !== "BATCH_REJECTED") {
      context.events.emit("entry:rejected", { peer, database: db, id: verdict.id, error: verdict.error });
    }
  }
  if (rejected.length > 0) {
    const first = rejected.find((v) => v.error?.code !== "BATCH_REJECTED") ?? rejected[0];
    throw new EntriesRejectedError(
      `${rejected.length} of ${entries.length} entries from ${peer} were rejected${atomic ? " (the page was refused whole)" : ""}; first: ${first?.id}: ${first?.error?.code} ${first?.error?.message}`,
    );
  }
  if (result.quarantined > 0) {
    throw new SyncProtocolError(`the peer sent ${result.quarantined} entries without the parents they need; they wait in quarantine`);
  }
  return result.stored.length;
}
