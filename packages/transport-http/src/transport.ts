/** {@link HttpTransport}: Eidetica sync over HTTP, server and client. */
import { InvalidStateError, LIMITS, systemClock, systemRandom, type Clock, type Random, type SigningKey } from "@eidetica/core";
import {
  TRANSPORT_BRAND,
  TransportError,
  decodeResponse,
  requestBytes,
  parseWireError,
  type Address,
  type SendOptions,
  type SyncHandler,
  type SyncRequest,
  type SyncResponse,
  type SyncTransport,
} from "@eidetica/protocol";
import { signRequest } from "./auth.js";
import { HTTP_KIND, parseHostPort, socketAddress } from "./address.js";
import { HttpClient, type HttpClientOptions, type HttpReply } from "./client.js";
import { startHttpServer, type HttpServerLimits, type RunningServer } from "./server.js";

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** Where to serve, `host:port` (`127.0.0.1:0`: a free loopback port). Without it the transport is a client only. */
  readonly bind?: string;
  /**
   * Signs every request, so the server knows this node's key (its handler's `peerKey`: needed
   * to push). Usually the instance's device key. Without it requests go unproven, as
   * Eidetica v0's do.
   */
  readonly signingKey?: SigningKey;
  /** Stamps request proofs and checks those received. Default the system clock. */
  readonly clock?: Clock;
  /** Nonces of request proofs. Default the system's randomness. */
  readonly random?: Random;
  readonly server?: HttpServerLimits;
  readonly client?: HttpClientOptions;
  /** Called with a handler that broke its contract (threw). Default `console.warn`. */
  readonly onHandlerError?: (error: unknown) => void;
}

/** The route of every request. */
export const API_PATH = "/api/v0";

/**
 * Sync over HTTP: `POST /api/v0` with a JSON `SyncRequest`, answered with a JSON
 * `SyncResponse` (status 200, errors as `{"Error": …}`), wire-compatible with Eidetica v0.
 * Addresses are `{ transportType: "http", address: "host:port" }`.
 *
 * @example
 * ```ts
 * const transport = new HttpTransport({ bind: "127.0.0.1:0", signingKey: instance.deviceKey });
 * const sync = await Sync.create(instance, { transports: [transport] });
 * await sync.startServers();
 * sync.serverAddresses(); // [{ transportType: "http", address: "127.0.0.1:40123" }]
 * ```
 */
export class HttpTransport implements SyncTransport {
  readonly [TRANSPORT_BRAND] = true as const;
  readonly kind = HTTP_KIND;
  readonly #options: HttpTransportOptions;
  readonly #client: HttpClient;
  #server: RunningServer | undefined;
  #starting: Promise<void> | undefined;

  constructor(options: HttpTransportOptions = {}) {
    if (options.bind !== undefined) parseHostPort(options.bind);
    this.#options = options;
    this.#client = new HttpClient(options.client);
  }

  /** True for `http` addresses. */
  canHandleAddress(address: Address): boolean {
    return address.transportType === HTTP_KIND;
  }

  /**
   * Serves `handler` at `bind`.
   * @throws {InvalidStateError} if there is no `bind` address or it already serves.
   * @throws {TransportError} (`unreachable`) if the address cannot be bound.
   */
  async startServer(handler: SyncHandler): Promise<void> {
    const bind = this.#options.bind;
    if (bind === undefined) throw new InvalidStateError("this HttpTransport has no bind address: it is a client only");
    if (this.#server !== undefined || this.#starting !== undefined) throw new InvalidStateError(`already serving at ${bind}`);
    const where = parseHostPort(bind);
    const onError = this.#options.onHandlerError ?? ((error: unknown) => console.warn("eidetica: sync handler failed", error));
    this.#starting = startHttpServer(handler, where, this.#options.server ?? {}, this.#options.clock ?? systemClock, onError).then(
      (server) => {
        this.#server = server;
      },
      (error: unknown) => {
        throw new TransportError(`cannot serve at ${bind}: ${error instanceof Error ? error.message : String(error)}`, "unreachable", { cause: error });
      },
    );
    try {
      await this.#starting;
    } finally {
      this.#starting = undefined;
    }
  }

  /** Stops serving (open connections are closed) and closes this transport's kept-alive client connections. */
  async stopServer(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
    await this.#client.close();
  }

  isServerRunning(): boolean {
    return this.#server !== undefined;
  }

  /** The address being served, with the real port when bound to port 0. */
  serverAddress(): Address | undefined {
    const server = this.#server;
    if (server === undefined) return undefined;
    return { transportType: HTTP_KIND, address: socketAddress(server.host, server.port) as string };
  }

  /** Connections the server closed at once because their address had too many open. */
  get refusedConnections(): number {
    return this.#server?.refused() ?? 0;
  }

  /**
   * Posts the request and decodes the answer.
   * @throws {TransportError} `unreachable`, `timeout`, `aborted`, `closed`, `too_large` (a
   *   request or response above 4 MiB) or `protocol` (a non-200 status, an undecodable answer).
   */
  async sendRequest(address: Address, request: SyncRequest, options: SendOptions = {}): Promise<SyncResponse> {
    if (!this.canHandleAddress(address)) throw new TransportError(`an HttpTransport cannot reach ${address.transportType} addresses`, "unreachable");
    const body = requestBytes(request, LIMITS.messageBytes);
    const key = this.#options.signingKey;
    const headers = key === undefined ? {} : signRequest(key, address.address, body, this.#options.clock ?? systemClock, this.#options.random ?? systemRandom);
    const reply = await this.#client.post(address.address, API_PATH, body, headers, {
      maxBytes: LIMITS.messageBytes,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    if (reply.status !== 200) throw statusError(address, reply);
    try {
      return decodeResponse(reply.body);
    } catch (error) {
      throw new TransportError(`http://${address.address}: an invalid response`, "protocol", { cause: error });
    }
  }
}

/** A non-200 reply as a `TransportError`, with the server's `Error` text when it sent one. */
function statusError(address: Address, reply: HttpReply): TransportError {
  let detail = "";
  try {
    const answer = decodeResponse(reply.body);
    if (answer.kind === "Error") detail = `: ${parseWireError(answer.message).message}`;
  } catch {
    // A body that is not an Error response (a proxy's page, say): the status says enough.
  }
  const failure = reply.status === 413 ? "too_large" : reply.status === 503 ? "closed" : "protocol";
  return new TransportError(`http://${address.address} answered HTTP ${reply.status}${detail}`, failure);
}
