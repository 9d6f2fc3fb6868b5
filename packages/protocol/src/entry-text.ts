/** The wire JSON of entry lists, written entry by entry with core's direct writer. */
import { encodeWireEntry, type Entry } from "@eidetica/core";

/** The entries' wire JSON array, `[e1,e2,…]`. */
export function entriesText(entries: readonly Entry[]): string {
  return `[${entries.map(encodeWireEntry).join(",")}]`;
}
