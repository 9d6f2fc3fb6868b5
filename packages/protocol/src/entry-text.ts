/**
 * The wire JSON text of an entry, kept for the entries seen last, so that a page is written
 * once for sizing and reused for encoding. Bounded: at most {@link ENTRY_TEXT_CACHE} entries,
 * the least recently used dropped first.
 */
import { encodeWireEntry, type Entry } from "@eidetica/core";

/** How many entries' texts are kept (more than one message can hold). */
export const ENTRY_TEXT_CACHE = 16_384;

const texts = new Map<Entry, { readonly text: string; readonly bytes: number }>();

/** The entry's wire JSON (`encodeWireEntry`) and its UTF-8 length. */
export function entryText(entry: Entry): { readonly text: string; readonly bytes: number } {
  let cached = texts.get(entry);
  if (cached !== undefined) {
    texts.delete(entry);
  } else {
    const text = encodeWireEntry(entry);
    cached = { text, bytes: utf8Length(text) };
    if (texts.size >= ENTRY_TEXT_CACHE) texts.delete(texts.keys().next().value as Entry);
  }
  texts.set(entry, cached);
  return cached;
}

/** The entries' wire JSON array, `[e1,e2,…]`. */
export function entriesText(entries: readonly Entry[]): string {
  let out = "[";
  for (let i = 0; i < entries.length; i++) out += (i === 0 ? "" : ",") + entryText(entries[i] as Entry).text;
  return `${out}]`;
}

/** UTF-8 length of a string without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: 4 bytes for 2 UTF-16 units.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}
