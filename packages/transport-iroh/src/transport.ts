/** {@link IrohTransport}: Eidetica sync over iroh QUIC, peer to peer. */
import { InvalidStateError, utf8 } from "@eidetica/core";
import {
  TRANSPORT_BRAND,
  TransportError,
  decodeResponse,
  requestBytes,
  type Address,
  type SendOptions,
  type SyncHandler,
  type SyncRequest,
  type SyncResponse,
  type SyncTransport,
} from "@eidetica/protocol";
import type { BiStream, Endpoint } from "@number0/iroh";
import { fromWire, iroh, toWire, type Iroh } from "./binding.js";
import { ALPN, IrohConnections, describe } from "./connections.js";
import { InvalidIrohAddressError } from "./errors.js";
import { IROH_KIND, IROH_MESSAGE_BYTES, IrohServing, type IrohServerLimits } from "./server.js";

/** Options of {@link IrohTransport}. */
export interface IrohTransportOptions {
  /**
   * The endpoint's 32-byte secret key: its node id is the public key. Give the node's device
   * key seed (or {@link irohSecretKey}'s, which keeps it in the peer store), so that the key
   * iroh proves to a server is the key this node's handshakes claim.
   */
  readonly secretKey: Uint8Array;
  /** Relays: iroh's default ones (`"default"`, the n0 preset), none, or your own. Default `"default"`. */
  readonly relay?: "default" | "disabled" | { readonly urls: readonly string[] };
  /** Socket addresses to bind, such as `["127.0.0.1:0", "[::1]:0"]` (loopback only). Default: iroh's. */
  readonly bind?: readonly string[];
  /** Time allowed to connect to a peer, in milliseconds. Default 10,000. */
  readonly connectTimeoutMs?: number;
  readonly server?: IrohServerLimits;
  /** Called with a handler that broke its contract (threw). Default `console.warn`. */
  readonly onHandlerError?: (error: unknown) => void;
}

/**
 * Sync over iroh: ALPN `eidetica/v0`, one bidirectional stream per request; the request is
 * written and the send side finished (EOF delimits it, no length prefix), the response read
 * to its end, as Eidetica v0 does. Every message stays under Eidetica v0's 1 MiB
 * (`maxMessageBytes`), and sync pages under it, so a bootstrap of any size works. Addresses
 * are `{ transportType: "iroh", address: <endpoint ticket> }`; the key a server sees
 * (`peerKey`) is the connecting endpoint's node id, proven by QUIC.
 *
 * @example
 * ```ts
 * const transport = new IrohTransport({ secretKey: instance.deviceKey.seed(), relay: "disabled", bind: ["127.0.0.1:0", "[::1]:0"] });
 * const sync = await Sync.create(instance, { transports: [transport] });
 * await sync.startServers();
 * ```
 */
export class IrohTransport implements SyncTransport {
  readonly [TRANSPORT_BRAND] = true as const;
  readonly kind = IROH_KIND;
  readonly maxMessageBytes = IROH_MESSAGE_BYTES;
  readonly #options: IrohTransportOptions;
  #module: Iroh | undefined;
  #endpoint: Promise<Endpoint> | undefined;
  #accepting: Promise<void> | undefined;
  #serving: IrohServing | undefined;
  readonly #connections: IrohConnections;

  constructor(options: IrohTransportOptions) {
    if (options.secretKey.length !== 32) throw new InvalidIrohAddressError(`an iroh secret key has 32 bytes, not ${options.secretKey.length}`);
    this.#options = { ...options, secretKey: options.secretKey.slice() };
    this.#connections = new IrohConnections(async () => ({ endpoint: await this.#endpointNow(), iroh: this.#module as Iroh }), options.connectTimeoutMs ?? 10_000);
  }

  /** True for `iroh` addresses. */
  canHandleAddress(address: Address): boolean {
    return address.transportType === IROH_KIND;
  }

  /**
   * Serves `handler` on this transport's endpoint.
   * @throws {InvalidStateError} if it already serves.
   * @throws {IrohUnavailableError} if the binding cannot load on this platform.
   */
  async startServer(handler: SyncHandler): Promise<void> {
    if (this.#serving !== undefined) throw new InvalidStateError("this IrohTransport already serves");
    const onError = this.#options.onHandlerError ?? ((error: unknown) => console.warn("eidetica: sync handler failed", error));
    this.#serving = new IrohServing(handler, this.#options.server ?? {}, onError);
    try {
      await this.#endpointNow();
    } catch (error) {
      this.#serving = undefined;
      throw error;
    }
  }

  /** Stops serving and closes the endpoint (connections included); a later request opens a new one. */
  async stopServer(): Promise<void> {
    const serving = this.#serving;
    this.#serving = undefined;
    serving?.closeAll();
    const endpoint = this.#endpoint;
    this.#endpoint = undefined;
    this.#connections.clear();
    if (endpoint !== undefined) await (await endpoint.catch(() => undefined))?.close();
    await this.#accepting;
    this.#accepting = undefined;
  }

  isServerRunning(): boolean {
    return this.#serving !== undefined;
  }

  /** The endpoint ticket peers reach this server at (its node id and direct addresses). */
  serverAddress(): Address | undefined {
    if (this.#serving === undefined || this.#module === undefined || this.#bound === undefined) return undefined;
    return { transportType: IROH_KIND, address: this.#module.EndpointTicket.fromAddr(this.#bound.addr()).toString() };
  }

  /** This endpoint's node id (the public key of its secret key), once it is bound. */
  get nodeId(): string | undefined {
    return this.#bound?.id().toString();
  }

  /** What the serving side counted: streams handled, refused (over the per-peer limit), timed out. */
  get serverStats(): { readonly streams: number; readonly refusedStreams: number; readonly timedOut: number } {
    return { ...(this.#serving?.stats ?? { streams: 0, refusedStreams: 0, timedOut: 0 }) };
  }

  #bound: Endpoint | undefined;

  /**
   * Sends the request on a new stream of a (kept) connection to the peer, and reads the answer.
   * @throws {TransportError} `unreachable` (no connection within the connect timeout), `timeout`,
   *   `aborted`, `closed` (the connection or stream broke), `too_large` or `protocol`.
   */
  async sendRequest(address: Address, request: SyncRequest, options: SendOptions = {}): Promise<SyncResponse> {
    if (!this.canHandleAddress(address)) throw new TransportError(`an IrohTransport cannot reach ${address.transportType} addresses`, "unreachable");
    if (options.signal?.aborted === true) throw new TransportError("the request was aborted", "aborted");
    const body = requestBytes(request, IROH_MESSAGE_BYTES);
    const cleanups: (() => void)[] = [];
    const stopped = new Promise<never>((_resolve, reject) => {
      if (options.timeoutMs !== undefined) {
        const timer = setTimeout(() => reject(new TransportError(`no response within ${options.timeoutMs} ms`, "timeout")), options.timeoutMs);
        cleanups.push(() => clearTimeout(timer));
      }
      if (options.signal !== undefined) {
        const signal = options.signal;
        const onAbort = () => reject(new TransportError("the request was aborted", "aborted"));
        signal.addEventListener("abort", onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener("abort", onAbort));
      }
    });
    let stream: { reset(): void } | undefined;
    const exchange = (async () => {
      const connection = await this.#connections.get(address.address);
      let bi: BiStream | undefined;
      try {
        bi = await connection.openBi();
        stream = { reset: () => void bi?.send.reset(0n).catch(() => undefined) };
        await bi.send.writeAll(toWire(body));
        await bi.send.finish();
      } catch (error) {
        this.#connections.forget(address.address, connection);
        throw new TransportError(`the connection to the peer broke: ${describe(error)}`, "closed", { cause: error });
      }
      let reply: number[];
      try {
        reply = await bi.recv.readToEnd(IROH_MESSAGE_BYTES);
      } catch (error) {
        const tooLong = /too ?long|TooLong|exceed/i.test(describe(error));
        if (!tooLong) this.#connections.forget(address.address, connection);
        throw new TransportError(tooLong ? `a response above iroh's limit of ${IROH_MESSAGE_BYTES} bytes` : `the stream broke: ${describe(error)}`, tooLong ? "too_large" : "closed", { cause: error });
      }
      try {
        return decodeResponse(fromWire(reply));
      } catch (error) {
        throw new TransportError("an invalid response", "protocol", { cause: error });
      }
    })();
    try {
      return await Promise.race([exchange, stopped]);
    } catch (error) {
      exchange.catch(() => undefined);
      if (error instanceof TransportError && (error.failure === "timeout" || error.failure === "aborted")) stream?.reset();
      throw error;
    } finally {
      for (const cleanup of cleanups) cleanup();
    }
  }

  /** The endpoint, bound on first use, with its accept loop running. */
  async #endpointNow(): Promise<Endpoint> {
    this.#endpoint ??= this.#bind();
    return this.#endpoint;
  }

  async #bind(): Promise<Endpoint> {
    const m = await iroh();
    this.#module = m;
    const builder = m.Endpoint.builder();
    const relay = this.#options.relay ?? "default";
    if (relay === "default") m.presetN0(builder);
    else {
      m.presetMinimal(builder);
      builder.relayMode(relay === "disabled" ? m.RelayMode.disabled() : m.RelayMode.customFromUrls([...relay.urls]));
    }
    builder.secretKey(toWire(this.#options.secretKey));
    builder.alpns([toWire(utf8(ALPN))]);
    for (const address of this.#options.bind ?? []) builder.bindAddr(address);
    let endpoint: Endpoint;
    try {
      endpoint = await builder.bind();
    } catch (error) {
      this.#endpoint = undefined;
      throw new TransportError(`cannot bind an iroh endpoint: ${describe(error)}`, "unreachable", { cause: error });
    }
    this.#bound = endpoint;
    this.#accepting = this.#acceptLoop(endpoint);
    return endpoint;
  }

  /** Accepts connections while the endpoint lives: served while serving, refused otherwise. */
  async #acceptLoop(endpoint: Endpoint): Promise<void> {
    for (;;) {
      let incoming;
      try {
        incoming = await endpoint.acceptNext();
      } catch {
        return;
      }
      if (incoming === null) return;
      const serving = this.#serving;
      if (serving === undefined) {
        void incoming.refuse().catch(() => undefined);
        continue;
      }
      void (async () => {
        try {
          const connection = await (await incoming.accept()).connect();
          await serving.serve(connection);
        } catch {
          // A handshake that failed (wrong ALPN, the peer went away): nothing to answer.
        }
      })();
    }
  }
}
