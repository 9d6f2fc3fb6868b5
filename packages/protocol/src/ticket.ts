/**
 * Database tickets (spec 5.11): `eidetica:?db=<ID>&pr=<transport>:<address>&pr=…`, a link that
 * names a database and where to fetch it.
 */
import { MalformedError, parseId, type ID } from "@eidetica/core";
import type { Address } from "./address.js";

const SCHEME = "eidetica:?";

/** A database ID with peer address hints. */
export interface DatabaseTicket {
  readonly database: ID;
  readonly addresses: readonly Address[];
}

// Only these are escaped, as Rust does: the query's own delimiters and the escape itself.
function encodeValue(value: string): string {
  return value.replace(/[%&=#+]/g, (c) => ({ "%": "%25", "&": "%26", "=": "%3D", "#": "%23", "+": "%2B" })[c] as string);
}

/** The ticket URL. */
export function formatTicket(ticket: DatabaseTicket): string {
  let out = `${SCHEME}db=${encodeValue(ticket.database)}`;
  for (const address of ticket.addresses) out += `&pr=${encodeValue(`${address.transportType}:${address.address}`)}`;
  return out;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte, invalid escapes kept.
function decodeFormValue(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "+") bytes.push(0x20);
    else if (c === "%" && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      // A whole code point: the two halves of a surrogate pair must be encoded together.
      const char = String.fromCodePoint(value.codePointAt(i) as number);
      bytes.push(...new TextEncoder().encode(char));
      i += char.length - 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * Parses a ticket tolerantly, as Rust does: `db` is required (the last one wins), a `pr` value
 * without `:` is skipped, unknown parameters are ignored, and anything percent-encoded decodes.
 * @throws {MalformedError} without the `eidetica:?` prefix, without `db`, or with an invalid ID.
 */
export function parseTicket(text: string): DatabaseTicket {
  if (!text.startsWith(SCHEME)) throw new MalformedError(`a ticket starts with ${SCHEME}`, "ticket");
  let database: ID | undefined;
  const addresses: Address[] = [];
  for (const pair of text.slice(SCHEME.length).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeFormValue(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeFormValue(eq < 0 ? "" : pair.slice(eq + 1));
    if (key === "db") database = parseId(value, "ticket.db");
    else if (key === "pr") {
      const colon = value.indexOf(":");
      if (colon >= 0) addresses.push({ transportType: value.slice(0, colon), address: value.slice(colon + 1) });
    }
  }
  if (database === undefined) throw new MalformedError("a ticket needs a db parameter", "ticket");
  return { database, addresses };
}
