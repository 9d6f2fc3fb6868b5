/**
 * Error responses with a stable code (reliability U1). Eidetica v0 carries a refusal as
 * `{"Error": "<text>"}`; this project's peers write the text as `<code>: <message>`, so a
 * program can branch on the code while a Rust peer still reads a sentence, and the Rust
 * texts tests match on (such as `Tree not found: <id>`) stay intact after the prefix.
 */
import type { SyncResponse } from "./messages.js";

/** The codes an `Error` response can start with. */
export const WIRE_ERROR_CODES = [
  /** The database does not exist here, is not synced, or may not be read by the requester (H6). */
  "not_found",
  /** The request needs a proven key (a push, a read of a private database) and has none (H7, H8). */
  "auth_required",
  /** A proof did not verify: a request signature, or a handshake key that the transport contradicts (H3, H5). */
  "auth_failed",
  /** A signed request's nonce was already used, or was never issued (H1). */
  "replay",
  /** A signed request's timestamp is outside the freshness window; the message gives the server time (H2). */
  "clock_skew",
  /** The peer speaks a protocol version this one does not; the message lists the supported ones (H4). */
  "unsupported_protocol_version",
  /** The request is above a limit (entries, tips, bytes). */
  "limit_exceeded",
  /** The request could not be decoded (W1-W3). */
  "bad_request",
  /** The sender is banned for repeated invalid requests until the time given (R6). */
  "banned",
  /** Pushed entries failed verification; nothing invalid was stored. */
  "rejected",
  /** The request was valid but cannot be answered now; try again later. */
  "retry_later",
  /** The server failed; the details stay in its logs. */
  "internal",
] as const;

/** A code of {@link WIRE_ERROR_CODES}. */
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(WIRE_ERROR_CODES);

/**
 * An `Error` response whose text is `<code>: <message>`.
 *
 * @example
 * ```ts
 * wireError("not_found", `Tree not found: ${id}`); // { kind: "Error", message: "not_found: Tree not found: bafy…" }
 * ```
 */
export function wireError(code: WireErrorCode, message: string): SyncResponse {
  return { kind: "Error", message: `${code}: ${message}` };
}

/**
 * Splits an `Error` text into its code and message. A text without a known code (a Rust
 * peer's, say) has `code: undefined` and the whole text as its message.
 */
export function parseWireError(text: string): { readonly code: WireErrorCode | undefined; readonly message: string } {
  const colon = text.indexOf(": ");
  const prefix = colon < 0 ? "" : text.slice(0, colon);
  return KNOWN.has(prefix) ? { code: prefix as WireErrorCode, message: text.slice(colon + 2) } : { code: undefined, message: text };
}
