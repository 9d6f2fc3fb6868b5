/** Offline iroh for tests: loopback sockets only, no relays. */
import type { IrohTransportOptions } from "@eidetica/transport-iroh";

/** Options binding IPv4 and IPv6 loopback only, with relays off. */
export const loopback = { relay: "disabled", bind: ["127.0.0.1:0", "[::1]:0"] } as const satisfies Partial<IrohTransportOptions>;

/** A 32-byte secret key from a number. */
export function seedOf(n: number): Uint8Array {
  const seed = new Uint8Array(32).fill(11);
  new DataView(seed.buffer).setUint32(0, n);
  return seed;
}
