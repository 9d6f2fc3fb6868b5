/**
 * Pulling, client side (spec 5.8, paged): ask with our tips, store the page, ask again with
 * the new tips until the server has nothing more. Each request is signed over a fresh
 * challenge from a handshake.
 */
import { LIMITS, sortedUniqueIds, type ID, type SigningKey } from "@eidetica/core";
import { tipsAfter } from "../server/pages.js";
import { SyncProtocolError } from "../errors.js";
import { connect, type Connection } from "./connect.js";
import { send, syncTreeRequest, type CallOptions, type ClientContext } from "./context.js";
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
 * (at least its root). `atomic` stores each page all or nothing (a bootstrap). `firstTips`
 * are the tips to send first, when they are more than ours (after a bootstrap page).
 *
 * The tips sent are ours plus entries we hold that the server surely knows: the tips it had
 * at the last sync (the cursor) and, after each page, the tips of what it sent. The server
 * excludes their whole ancestry, so each page is new (no history is sent twice because one of
 * our tips is unknown to the server), and a long pull sends exactly the tips the server
 * predicts, which lets it continue its list instead of walking the history again.
 */
export async function pull(
  context: ClientContext,
  connection: Connection,
  db: ID,
  signer: SigningKey,
  options: CallOptions & { readonly atomic?: boolean; readonly firstTips?: readonly ID[]; readonly progressFrom?: number } = {},
): Promise<PullResult> {
  const { backend } = context.instance;
  const ask = async (tips: readonly ID[], first: boolean) => {
    const current = first ? connection : await connect(context, connection.address, { ...options, expectedPeer: connection.peer, register: false });
    return requestPage(context, current, db, signer, tips, options);
  };
  const cursor = context.cursors.get(connection.peer, db) ?? [];
  const heldCursor = (await backend.getEntries(cursor)).flatMap((entry) => (entry === undefined ? [] : [entry.id]));
  let sent = capTips(await backend.treeTips(db), [...(options.firstTips ?? []), ...heldCursor]);
  let answer = ask(sent, true);
  let received = 0;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const { missingEntries, theirTips } = await answer;
    if (missingEntries.length === 0) return { received, pages, theirTips };
    // While this page is verified (on the thread pool) the next one is already asked for,
    // with the tips the page gives us, unless the page brings every tip the server has.
    const arriving = new Set(missingEntries.map((entry) => entry.id));
    const held = await backend.getEntries(theirTips.filter((tip) => !arriving.has(tip)));
    const more = held.some((entry) => entry === undefined);
    const next = capTips([], tipsAfter(sent, missingEntries));
    if (more && next.length === sent.length && next.every((id, i) => id === sent[i])) {
      throw new SyncProtocolError("the peer sent a page that moves nothing forward");
    }
    if (more) {
      answer = ask(next, false);
      // It may fail before it is awaited (the peer died while this page is verified): mark it
      // handled now, so that its failure is this pull's error at the await below (or dropped,
      // if verifying this page fails first), never an unhandled rejection.
      answer.catch(() => undefined);
    }
    received += await receivePage(context, connection.peer, db, missingEntries, options.atomic === true);
    context.events.emit("sync:progress", { peer: connection.peer, database: db, direction: "pull", have: (options.progressFrom ?? 0) + received, want: null });
    // Holding every tip the server has means holding all it has: no need to ask again.
    if (!more) return { received, pages, theirTips };
    sent = next;
  }
  throw new SyncProtocolError(`the peer still had entries to send after ${MAX_PAGES} pages`);
}

/** Asks the server for the page after `tips`, signed over the connection's challenge. */
async function requestPage(context: ClientContext, connection: Connection, db: ID, signer: SigningKey, tips: readonly ID[], options: CallOptions) {
  const response = await send(context, connection.address, syncTreeRequest(context, connection, db, tips, signer), options);
  if (response.kind !== "Incremental" || response.incremental.treeId !== db) {
    throw new SyncProtocolError(`the peer answered an incremental request for ${db} with ${response.kind}`);
  }
  return response.incremental;
}

/** Our tips, then `known` (held entries the server knows), at most {@link LIMITS.tipsPerRequest}, as a Snapshot. */
function capTips(ours: readonly ID[], known: readonly ID[]): ID[] {
  const out = new Set<ID>(ours);
  for (const id of known) {
    if (out.size >= LIMITS.tipsPerRequest) break;
    out.add(id);
  }
  return sortedUniqueIds([...out].slice(0, LIMITS.tipsPerRequest));
}
