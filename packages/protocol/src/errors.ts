/** Errors of the sync protocol and of transports. */
import { EideticaError, type EideticaErrorOptions } from "@eidetica/core";

/** A message has the wrong shape; {@link SchemaError.pointer} is a JSON pointer to the field. */
export class SchemaError extends EideticaError {
  readonly code = "SCHEMA";

  constructor(
    message: string,
    /** JSON pointer (RFC 6901) to the offending field, such as `/SyncTree/our_tips/3`. */
    readonly pointer: string,
    options?: EideticaErrorOptions,
  ) {
    super(`${pointer || "/"}: ${message}`, options);
  }
}

/** A message names a variant this protocol version does not know. */
export class UnknownMessageError extends EideticaError {
  readonly code = "UNKNOWN_MESSAGE";
}

/** Why a transport could not deliver a request. */
export type TransportFailure = "unreachable" | "timeout" | "aborted" | "closed" | "protocol" | "too_large";

/** A transport could not deliver a request or its response. */
export class TransportError extends EideticaError {
  readonly code = "TRANSPORT";

  constructor(
    message: string,
    /** What went wrong, for retry decisions. */
    readonly failure: TransportFailure,
    options?: EideticaErrorOptions,
  ) {
    super(message, options);
  }
}
