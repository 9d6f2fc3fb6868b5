/** The errors of the HTTP transport beside the protocol's `TransportError`. */
import { EideticaError } from "@eidetica/core";

/** A bind or peer address that is not `host:port`. */
export class InvalidAddressError extends EideticaError {
  readonly code = "INVALID_ADDRESS";
}

/** A request proof that could not be accepted (the server answers 401 `auth_failed`). */
export class RequestAuthError extends EideticaError {
  readonly code = "AUTH_FAILED";
}
