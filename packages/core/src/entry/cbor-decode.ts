/**
 * Decoding an entry from its canonical DAG-CBOR bytes (how persistent backends store entries).
 * The bytes go through the same checks as the wire form, and must be exactly the canonical
 * encoding of the result, so a stored entry cannot change shape or ID on the way back.
 */
import * as dagCbor from "@ipld/dag-cbor";
import { CID } from "multiformats/cid";
import { LimitExceededError, MalformedError } from "../errors/errors.js";
import { LIMITS } from "../limits.js";
import { bytesEqual } from "../util/bytes.js";
import type { Entry } from "./entry.js";
import { decodeWireEntry } from "./wire.js";

/**
 * Decodes canonical DAG-CBOR into an entry.
 * @throws {MalformedError} if the bytes are not a canonical entry encoding.
 * @throws {LimitExceededError} if they exceed {@link LIMITS.entryBytes}.
 */
export function decodeEntryCbor(bytes: Uint8Array): Entry {
  if (bytes.length > LIMITS.entryBytes) throw new LimitExceededError("entryBytes", LIMITS.entryBytes, bytes.length);
  let value: unknown;
  try {
    value = dagCbor.decode(bytes);
  } catch (error) {
    throw new MalformedError("not valid DAG-CBOR", "entry", { cause: error });
  }
  const entry = decodeWireEntry(toWireForm(value));
  if (!bytesEqual(entry.encode(), bytes)) throw new MalformedError("not the canonical encoding of an entry", "entry");
  return entry;
}

// The IPLD data model to the JSON wire form: links to ID strings, bytes to integer arrays.
function toWireForm(value: unknown): unknown {
  const root: { value: unknown } = { value };
  const stack: [Record<string | number, unknown>, string | number][] = [[root as Record<string, unknown>, "value"]];
  while (stack.length > 0) {
    const [holder, key] = stack.pop() as [Record<string | number, unknown>, string | number];
    const item = holder[key];
    const link = CID.asCID(item);
    if (link !== null) holder[key] = link.toString();
    else if (item instanceof Uint8Array) holder[key] = Array.from(item);
    else if (Array.isArray(item)) item.forEach((_, i) => stack.push([item as unknown as Record<number, unknown>, i]));
    else if (typeof item === "object" && item !== null) {
      for (const k of Object.keys(item)) stack.push([item as Record<string, unknown>, k]);
    }
  }
  return root.value;
}
