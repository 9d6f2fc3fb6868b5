/**
 * The typed errors of sync, and their mapping to and from the `<code>: <message>` text of an
 * `Error` response (`@eidetica/protocol`'s wire codes).
 */
import { EideticaError, NotFoundError, isEideticaError, type EideticaErrorOptions } from "@eidetica/core";
import { parseWireError, wireError, type Address, type SyncResponse, type WireErrorCode } from "@eidetica/protocol";

/** A request needs a proven key and had none: a push without an authenticated transport, a read of a private database. */
export class AuthRequiredError extends EideticaError {
  readonly code = "AUTH_REQUIRED";
}

/** A proof did not verify: a handshake answered by the wrong key, a request signature that fails. */
export class AuthFailedError extends EideticaError {
  readonly code = "AUTH_FAILED";
}

/** A signed request's nonce was used before, or was never issued (reliability H1). */
export class ReplayError extends EideticaError {
  readonly code = "REPLAY";
}

/** A signed request's timestamp is outside the freshness window (reliability H2). */
export class ClockSkewError extends EideticaError {
  readonly code = "CLOCK_SKEW";
}

/** The peer speaks another protocol version (reliability H4). */
export class ProtocolMismatchError extends EideticaError {
  readonly code = "UNSUPPORTED_PROTOCOL_VERSION";
}

/** Access to a database was requested and waits for an Admin's approval. */
export class BootstrapPendingError extends EideticaError {
  readonly code = "BOOTSTRAP_PENDING";

  constructor(
    /** The request's ID on the server, for the approver. */
    readonly requestId: string,
    message = `bootstrap request ${requestId} is pending approval`,
    options?: EideticaErrorOptions,
  ) {
    super(message, options);
  }
}

/** The sender is banned for repeated invalid requests (reliability R6). */
export class BannedError extends EideticaError {
  readonly code = "BANNED";
}

/** Entries failed verification (ours at the peer, or the peer's here). Nothing invalid was stored. */
export class EntriesRejectedError extends EideticaError {
  readonly code = "ENTRIES_REJECTED";
}

/** The peer answered `Error` with a code this side has no more specific error for. */
export class RemoteError extends EideticaError {
  readonly code = "REMOTE";

  constructor(
    message: string,
    /** The wire code, if the text had one. */
    readonly wireCode: WireErrorCode | undefined,
    options?: EideticaErrorOptions,
  ) {
    super(message, options);
  }
}

/** The peer broke the protocol: an unexpected answer, a bootstrap of the wrong database, pages that make no progress. */
export class SyncProtocolError extends EideticaError {
  readonly code = "SYNC_PROTOCOL";
}

/** No registered transport can reach an address: a configuration error. */
export class NoTransportError extends EideticaError {
  readonly code = "NO_TRANSPORT";

  constructor(
    readonly address: Address,
    options?: EideticaErrorOptions,
  ) {
    super(`no registered transport can reach ${address.transportType} addresses (${address.address})`, options);
  }
}

/** A wait ran out of time (on the injected timers). */
export class WaitTimeoutError extends EideticaError {
  readonly code = "TIMEOUT";
}

/** A wait was aborted through its `AbortSignal`. */
export class AbortedError extends EideticaError {
  readonly code = "ABORTED";
}

/** A ticket (or peer) names no address to reach it at. */
export class NoAddressError extends EideticaError {
  readonly code = "NO_ADDRESS";
}

/** Every address of a ticket failed; `failures` says how each did. */
export class AllAddressesFailedError extends EideticaError {
  readonly code = "ALL_ADDRESSES_FAILED";

  constructor(
    readonly failures: readonly { readonly address: Address; readonly error: EideticaError }[],
    options?: EideticaErrorOptions,
  ) {
    super(`every address failed: ${failures.map((f) => `${f.address.transportType}:${f.address.address} (${f.error.code})`).join(", ")}`, options);
  }
}

/** The typed error an `Error` response stands for. Texts from Rust peers map by their wording. */
export function errorFromResponse(text: string): EideticaError {
  const { code, message } = parseWireError(text);
  switch (code) {
    case "not_found":
      return new NotFoundError(message);
    case "auth_required":
      return new AuthRequiredError(message);
    case "auth_failed":
      return new AuthFailedError(message);
    case "replay":
      return new ReplayError(message);
    case "clock_skew":
      return new ClockSkewError(message);
    case "unsupported_protocol_version":
      return new ProtocolMismatchError(message);
    case "banned":
      return new BannedError(message);
    case "rejected":
      return new EntriesRejectedError(message);
    case undefined:
      if (/tree not found/i.test(message)) return new NotFoundError(message);
      if (/authentication required|not authorized|permission denied|access denied/i.test(message)) return new AuthRequiredError(message);
      if (/protocol version mismatch/i.test(message)) return new ProtocolMismatchError(message);
      return new RemoteError(message, undefined);
    default:
      return new RemoteError(message, code);
  }
}

const WIRE_CODES: Readonly<Record<string, WireErrorCode>> = {
  NOT_FOUND: "not_found",
  AUTH_REQUIRED: "auth_required",
  AUTH_FAILED: "auth_failed",
  BAD_SIGNATURE: "auth_failed",
  REPLAY: "replay",
  CLOCK_SKEW: "clock_skew",
  UNSUPPORTED_PROTOCOL_VERSION: "unsupported_protocol_version",
  LIMIT_EXCEEDED: "limit_exceeded",
  BANNED: "banned",
  ENTRIES_REJECTED: "rejected",
  MALFORMED: "bad_request",
  SCHEMA: "bad_request",
};

/**
 * The `Error` response for an error thrown while handling a request: an `EideticaError` keeps
 * its (peer-safe) message under its wire code; anything else is `internal`, with no detail.
 */
export function responseFromError(error: unknown): SyncResponse {
  if (!isEideticaError(error)) return wireError("internal", "internal error");
  if (error instanceof RemoteError && error.wireCode !== undefined) return wireError(error.wireCode, error.message);
  const code = WIRE_CODES[error.code];
  return code === undefined ? wireError("internal", "internal error") : wireError(code, error.message);
}
