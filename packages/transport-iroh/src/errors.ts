/** The errors of the iroh transport beside the protocol's `TransportError`. */
import { EideticaError } from "@eidetica/core";

/** `@number0/iroh` could not be loaded: no prebuilt binary for this platform, or not installed. */
export class IrohUnavailableError extends EideticaError {
  readonly code = "IROH_UNAVAILABLE";
}

/** An iroh address that is not an endpoint ticket, or a secret key that is not 32 bytes. */
export class InvalidIrohAddressError extends EideticaError {
  readonly code = "INVALID_ADDRESS";
}
