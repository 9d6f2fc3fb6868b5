/**
 * Pulling, client side (spec 5.8, paged): ask with our tips, store the page, ask again with
 * the new tips until the server has nothing more. Each request is signed over a fresh
 * challenge from a handshake.
 */
import type { ID, SigningKey } from "@eidetica/core";
import { SyncProtocolError } from "../errors.js";
import { connect, type Connection } from "./connect.js";
import { send, signRequest, type CallOptions, type ClientContext } from "./context.js";
import { receivePage } from "./receive.js";

/** Most pages one pull asks for: far above any real database (10,000 entries a page). */
export const MAX_PAGES = 100_000;

/** What a pull brought. */
export interface PullResult {
  /** Entries that became visible here. */
  readonly received: number;
  /** Pages asked for (the last one was empty). */
  readonly pages: number;
  /** The server's tips, as of its last answer. */
  readonly theirTips: readonly ID[];
}

/**
 * Pulls what `connection`'s server has of `db` and this node lacks. `db` must be held
 * (at least its root). `atomic` stores each page all or nothing (a bootstrap).
 */
export async function pull(
  context: ClientContext,
  connection: Connection,
  db: ID,
  signer: SigningKey,
  options: CallOptions & { readonly atomic?: boolean } = {},
): Promise<PullResult> {
  let current = connection;
  let received = 0;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    if (pages > 1) current = await connect(context, connection.address, { ...options, expectedPeer: connection.peer, register: false });
    const tips = await context.instance.backend.treeTips(db);
    const response = await send(
      context,
      connection.address,
      {
        kind: "SyncTree",
        syncTree: {
          treeId: db,
          ourTips: tips,
          peerPubkey: context.instance.id,
          requestingKey: null,
          requestingKeyName: null,
          requestedPermission: null,
          metadata: null,
          auth: signRequest(context, signer, connection.peer, db, tips, current.challenge),
        },
      },
      options,
    );
    if (response.kind !== "Incremental" || response.incremental.treeId !== db) {
      throw new SyncProtocolError(`the peer answered an incremental request for ${db} with ${response.kind}`);
    }
    const { missingEntries, theirTips } = response.incremental;
    if (missingEntries.length === 0) return { received, pages, theirTips };
    received += await receivePage(context, connection.peer, db, missingEntries, options.atomic === true);
  }
  throw new SyncProtocolError(`the peer still had entries to send after ${MAX_PAGES} pages`);
}
