/** {@link MockTransport}: a `SyncTransport` of kind `"sim"` on a {@link SimNetwork}. */
import { InvalidStateError, isEideticaError, type PublicKeyText } from "@eidetica/core";
import {
  TRANSPORT_BRAND,
  TransportError,
  answerRequest,
  decodeResponse,
  requestBytes,
  type Address,
  type Answer,
  type RequestContext,
  type SendOptions,
  type SyncHandler,
  type SyncRequest,
  type SyncResponse,
  type SyncTransport,
} from "@eidetica/protocol";
import type { SimNetwork } from "./network.js";
import { SIM_KIND } from "./types.js";
import { wireOf, type SimNode, type Wire } from "./wire.js";

/** The options of a {@link MockTransport}. */
export interface MockTransportOptions {
  /** The node's name, which is its address; default `sim-peer-N` (N counts up per network). */
  readonly name?: string;
  /**
   * The key this node proves, as an authenticating transport (iroh) would: handlers see it as
   * `context.peerKey` on requests from this node. Default: none.
   */
  readonly peerKey?: PublicKeyText;
  /**
   * Called when the served handler breaks its contract by throwing (the peer gets `Error`
   * `"internal: internal error"`). Default: `console.warn`, so nothing is swallowed silently.
   */
  readonly onHandlerError?: (error: unknown) => void;
}

/**
 * A {@link SyncTransport} on a {@link SimNetwork}. Requests and responses cross the network
 * encoded with the protocol codec and are decoded (and validated) at the other end, as on a
 * real wire. Failures are `TransportError`s: `unreachable` (no server at the address, or a
 * partition), `timeout`, `aborted`, `closed` (the server or this transport stopped, or a
 * partition cut the response), `too_large`, `protocol` (an undecodable response).
 *
 * @example
 * ```ts
 * const network = new SimNetwork({ time: { mode: "virtual", autoRun: true } });
 * const server = new MockTransport(network, { name: "server" });
 * await server.startServer(syncHandler(() => ({ kind: "Ack" })));
 * const client = new MockTransport(network);
 * await client.sendRequest(server.address, { kind: "SendEntries", entries: [] }); // { kind: "Ack" }
 * ```
 */
export class MockTransport implements SyncTransport {
  readonly [TRANSPORT_BRAND] = true as const;
  /** Always `"sim"`. */
  readonly kind = SIM_KIND;
  /** This node's address, whether or not it serves. */
  readonly address: Address;
  readonly #wire: Wire;
  readonly #node: SimNode;
  readonly #onHandlerError: (error: unknown) => void;

  /**
   * Joins `network` as a node (not serving yet).
   * @throws {InvalidStateError} if `options.name` is taken on this network.
   */
  constructor(network: SimNetwork, options: MockTransportOptions = {}) {
    this.#wire = wireOf(network);
    this.#node = this.#wire.attach(options.name, options.peerKey);
    this.address = { transportType: SIM_KIND, address: this.#node.name };
    this.#onHandlerError = options.onHandlerError ?? ((error) => console.warn("eidetica: sim handler failed", error));
  }

  /** This node's name, such as `sim-peer-1`. */
  get name(): string {
    return this.#node.name;
  }

  /** True for `sim` addresses. */
  canHandleAddress(address: Address): boolean {
    return address.transportType === SIM_KIND;
  }

  /**
   * Serves `handler` at {@link MockTransport.address}.
   * @throws {InvalidStateError} if already serving or the network is closed.
   */
  async startServer(handler: SyncHandler): Promise<void> {
    if (this.#wire.closed) throw new InvalidStateError("the network is closed");
    if (this.#node.serve !== undefined) throw new InvalidStateError(`sim:${this.name} is already serving`);
    this.#node.serve = (bytes, from) => this.#serve(handler, bytes, from);
  }

  /** Stops serving; requests being handled, and this transport's own open requests, end `closed`. */
  async stopServer(): Promise<void> {
    this.#wire.unlisten(this.#node);
    this.#wire.abandon(this.#node);
  }

  /** True while serving. */
  isServerRunning(): boolean {
    return this.#node.serve !== undefined;
  }

  /** {@link MockTransport.address} while serving, else undefined. */
  serverAddress(): Address | undefined {
    return this.isServerRunning() ? this.address : undefined;
  }

  /** Encodes, sends, waits for and decodes; see the class for the failures. */
  async sendRequest(address: Address, request: SyncRequest, options: SendOptions = {}): Promise<SyncResponse> {
    if (!this.canHandleAddress(address)) throw new TransportError(`a MockTransport cannot reach ${address.transportType} addresses`, "unreachable");
    // The wire enforces the network's own size limit.
    const reply = await this.#wire.request(this.#node, address.address, requestBytes(request), request.kind, options);
    try {
      return decodeResponse(reply);
    } catch (error) {
      throw new TransportError(`invalid response: ${peerSafe(error)}`, "protocol", { cause: error });
    }
  }

  async #serve(handler: SyncHandler, bytes: Uint8Array, from: SimNode): Promise<Answer> {
    // The handler is told the network's size limit, so that it pages its answers under it; the
    // wire enforces the limit on the answer.
    const context: RequestContext = {
      remoteAddress: { transportType: SIM_KIND, address: from.name },
      transportType: SIM_KIND,
      peerKey: from.peerKey,
      maxMessageBytes: this.#wire.settings.maxMessageBytes,
    };
    return answerRequest(handler, bytes, context, { maxBytes: Number.POSITIVE_INFINITY, onHandlerError: this.#onHandlerError });
  }
}

/** A message safe to show a peer: an `EideticaError`'s own message, else a generic one. */
function peerSafe(error: unknown): string {
  return isEideticaError(error) ? error.message : "malformed message";
}
