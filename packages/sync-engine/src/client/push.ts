/**
 * Pushing, client side (spec 5.8 "bidirectional completion", DESIGN 4.3, 4.4): what the server
 * lacks is everything outside the ancestor closure of its tips, sent parents first in pages
 * under the message limit.
 */
import { LimitExceededError, missingEntries, type Entry, type ID } from "@eidetica/core";
import { encodeRequest, entryWireBytes, fitEntries } from "@eidetica/protocol";
import { SyncProtocolError } from "../errors.js";
import type { Connection } from "./connect.js";
import { send, type CallOptions, type ClientContext } from "./context.js";

const ENVELOPE_BYTES = new TextEncoder().encode(encodeRequest({ kind: "SendEntries", entries: [] })).length;

/** Sends `connection`'s server the entries of `db` outside the closure of `theirTips`; returns how many. */
export async function push(context: ClientContext, connection: Connection, db: ID, theirTips: readonly ID[], options: CallOptions = {}): Promise<number> {
  const ours = await context.instance.backend.treeTips(db);
  return sendEntries(context, connection, db, await missingEntries(context.instance.backend, db, ours, theirTips), options);
}

/** Sends `entries` (parents first) of `db` in pages under the message limit; returns how many. */
export async function sendEntries(context: ClientContext, connection: Connection, db: ID, entries: readonly Entry[], options: CallOptions = {}): Promise<number> {
  let missing = entries;
  let sent = 0;
  const total = missing.length;
  const limit = context.transports.maxMessageBytes(connection.address);
  while (missing.length > 0) {
    const page = fitEntries(missing, ENVELOPE_BYTES, limit);
    const first = missing[0];
    if (page.length === 0 && first !== undefined) throw new LimitExceededError("messageBytes", limit, ENVELOPE_BYTES + entryWireBytes(first));
    const response = await send(context, connection.address, { kind: "SendEntries", entries: page }, options);
    if (response.kind !== "Ack" && response.kind !== "Count") throw new SyncProtocolError(`the peer answered a push with ${response.kind}`);
    sent += page.length;
    context.metrics.entriesSent.inc(page.length);
    context.metrics.bytesSent.inc(page.reduce((n, entry) => n + entryWireBytes(entry), 0));
    context.events.emit("sync:progress", { peer: connection.peer, database: db, direction: "push", have: sent, want: total });
    missing = missing.slice(page.length);
  }
  return sent;
}
