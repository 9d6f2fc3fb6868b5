/** {@link TransportManager}: several transports at once, each request routed by address kind. */
import { InvalidStateError, LIMITS } from "@eidetica/core";
import { isSyncTransport, type Address, type SendOptions, type SyncHandler, type SyncRequest, type SyncResponse, type SyncTransport } from "@eidetica/protocol";
import { NoTransportError } from "./errors.js";

/**
 * The transports of one node. A request goes to the first transport (in the order added) that
 * can handle the address; servers start and stop together.
 *
 * @example
 * ```ts
 * const transports = new TransportManager([http, iroh]);
 * await transports.send({ transportType: "iroh", address: ticket }, request); // over iroh
 * ```
 */
export class TransportManager {
  readonly #transports: SyncTransport[] = [];

  /** @throws {InvalidStateError} if one of them is not a `SyncTransport`. */
  constructor(transports: Iterable<SyncTransport> = []) {
    for (const transport of transports) this.add(transport);
  }

  /**
   * Adds a transport (used after those added before it, for addresses both can handle).
   * @throws {InvalidStateError} if it is not a `SyncTransport` or is already added.
   */
  add(transport: SyncTransport): void {
    if (!isSyncTransport(transport)) throw new InvalidStateError("not a SyncTransport (see @eidetica/protocol)");
    if (this.#transports.includes(transport)) throw new InvalidStateError(`this ${transport.kind} transport is already added`);
    this.#transports.push(transport);
  }

  /** Every transport, in the order added. */
  list(): readonly SyncTransport[] {
    return [...this.#transports];
  }

  /** The transport that will carry requests to `address`, if any. */
  forAddress(address: Address): SyncTransport | undefined {
    return this.#transports.find((transport) => transport.canHandleAddress(address));
  }

  /** True if some transport can reach `address`. */
  canReach(address: Address): boolean {
    return this.forAddress(address) !== undefined;
  }

  /** The largest message the transport for `address` sends: the protocol's 4 MiB, or less. */
  maxMessageBytes(address: Address): number {
    const limit = this.forAddress(address)?.maxMessageBytes;
    return limit === undefined ? LIMITS.messageBytes : Math.min(limit, LIMITS.messageBytes);
  }

  /**
   * Sends a request through the transport for its address.
   * @throws {NoTransportError} if no transport can reach it (a configuration error).
   */
  async send(address: Address, request: SyncRequest, options?: SendOptions): Promise<SyncResponse> {
    const transport = this.forAddress(address);
    if (transport === undefined) throw new NoTransportError(address);
    return transport.sendRequest(address, request, options);
  }

  /**
   * Starts serving `handler` on every transport not serving yet, and returns those that could
   * not start (the others still do).
   * @throws {InvalidStateError} if no transport is registered.
   * @throws the first failure if no server runs at all.
   */
  async startAll(handler: SyncHandler): Promise<{ readonly transport: SyncTransport; readonly error: unknown }[]> {
    if (this.#transports.length === 0) throw new InvalidStateError("no transport is registered: add one before serving");
    const failed: { transport: SyncTransport; error: unknown }[] = [];
    for (const transport of this.#transports) {
      if (transport.isServerRunning()) continue;
      try {
        await transport.startServer(handler);
      } catch (error) {
        failed.push({ transport, error });
      }
    }
    if (!this.#transports.some((t) => t.isServerRunning())) throw failed[0]?.error ?? new InvalidStateError("no server is running");
    return failed;
  }

  /** Stops every server. */
  async stopAll(): Promise<void> {
    for (const transport of this.#transports) await transport.stopServer();
  }

  /** The addresses the running servers listen at. */
  serverAddresses(): Address[] {
    return this.#transports.flatMap((transport) => {
      const address = transport.isServerRunning() ? transport.serverAddress() : undefined;
      return address === undefined ? [] : [address];
    });
  }
}
