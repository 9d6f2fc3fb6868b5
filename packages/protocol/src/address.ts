/** Where a peer listens: a transport kind and an address in that transport's own format. */

/**
 * An address: `{ transportType: "http", address: "127.0.0.1:8080" }`. On the wire it is
 * `{"transport_type": …, "address": …}` (spec 5.2).
 */
export interface Address {
  readonly transportType: string;
  readonly address: string;
}

/** An HTTP address (`host:port`). */
export function httpAddress(hostPort: string): Address {
  return { transportType: "http", address: hostPort };
}

/** An iroh address (an endpoint ticket). */
export function irohAddress(ticket: string): Address {
  return { transportType: "iroh", address: ticket };
}

/** `transport:address`, as in tickets. */
export function formatAddress(address: Address): string {
  return `${address.transportType}:${address.address}`;
}

/** True if both name the same transport and address. */
export function sameAddress(a: Address, b: Address): boolean {
  return a.transportType === b.transportType && a.address === b.address;
}
