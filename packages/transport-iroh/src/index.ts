/**
 * @eidetica/transport-iroh: Eidetica sync over iroh QUIC, peer to peer, on `@number0/iroh`
 * (loaded on first use). Wire-compatible with Eidetica v0's iroh transport, with every message
 * under its 1 MiB and paged transfers for anything larger.
 *
 * @example
 * ```ts
 * import { IrohTransport, irohSecretKey } from "@eidetica/transport-iroh";
 *
 * const sync = await Sync.create(instance);
 * sync.addTransport(new IrohTransport({ secretKey: await irohSecretKey(sync.store, instance.deviceKey) }));
 * await sync.startServers();
 * ```
 * @packageDocumentation
 */
export { IrohTransport, type IrohTransportOptions } from "./transport.js";
export { ALPN } from "./connections.js";
export { IROH_KIND, IROH_MESSAGE_BYTES, RESET_TIMEOUT, RESET_TOO_MANY_STREAMS, type IrohServerLimits } from "./server.js";
export { IROH_STATE, irohSecretKey } from "./identity.js";
export { fromWire, toWire } from "./binding.js";
export { InvalidIrohAddressError, IrohUnavailableError } from "./errors.js";
