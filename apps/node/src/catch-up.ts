/**
 * The catch-up of a node that starts: a both-ways sync of each database it shares with each
 * related peer, queued on the background engine (so it retries with backoff, and runs at once
 * when the peer handshakes with us). Writes made elsewhere while this node was down arrive
 * now, and the peers learn where it listens, rather than at the peers' next retry.
 */
import type { Sync } from "@eidetica/sync-engine";

/** Queues a sync of every (peer, database) relationship whose database is held and shared. Returns how many. */
export async function catchUp(sync: Sync): Promise<number> {
  const held = new Set(await sync.instance.listDatabases());
  let queued = 0;
  for (const { peer, database } of sync.store.relationships.list()) {
    if (!held.has(database) || !sync.store.databases.isEnabled(database)) continue;
    sync.engine.enqueue(peer, database, "sync");
    queued++;
  }
  return queued;
}
