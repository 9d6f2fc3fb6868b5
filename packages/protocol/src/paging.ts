/**
 * Size accounting for paged transfers (DESIGN 4.4): a response never exceeds the message
 * limit; the server sends entries parents first up to the limit and the client asks again with
 * its new tips. Every transport and the handler share this accounting.
 */
import { LIMITS, wireEntryLength, type Entry } from "@eidetica/core";
import { encodeResponse } from "./codec-response.js";
import type { SyncResponse } from "./messages.js";

const encoder = new TextEncoder();

/** UTF-8 length of the entry's wire JSON (computed, not written). */
export function entryWireBytes(entry: Entry): number {
  return wireEntryLength(entry);
}

/** UTF-8 length of a whole encoded response. */
export function responseWireBytes(response: SyncResponse): number {
  return encoder.encode(encodeResponse(response)).length;
}

/**
 * The longest prefix of `entries` that fits in a response whose envelope (the response with no
 * entries) takes `envelopeBytes`, within `limit` bytes and {@link LIMITS.entriesPerMessage}
 * entries. Entries are joined by commas in a JSON array.
 */
export function fitEntries(entries: readonly Entry[], envelopeBytes: number, limit: number = LIMITS.messageBytes): Entry[] {
  let used = envelopeBytes;
  const out: Entry[] = [];
  for (const entry of entries) {
    if (out.length >= LIMITS.entriesPerMessage) break;
    const cost = entryWireBytes(entry) + (out.length > 0 ? 1 : 0);
    if (used + cost > limit) break;
    used += cost;
    out.push(entry);
  }
  return out;
}
