/**
 * The interfaces that wire Eidetica together: a {@link SyncTransport} carries requests to a
 * peer's {@link SyncHandler}. Transports know nothing of the engine, only these types.
 */
import { isEideticaError, type PublicKeyText } from "@eidetica/core";
import type { Address } from "./address.js";
import type { SyncRequest, SyncResponse } from "./messages.js";
import { wireError } from "./wire-error.js";

/** Brand of every {@link SyncTransport}. */
export const TRANSPORT_BRAND: unique symbol = Symbol.for("eidetica.transport") as never;
/** Brand of every {@link SyncHandler}. */
export const HANDLER_BRAND: unique symbol = Symbol.for("eidetica.handler") as never;

/** What a transport knows about a request it received. */
export interface RequestContext {
  /** Where the request came from, in the transport's address format, if known. */
  readonly remoteAddress: Address | undefined;
  /** The transport kind that carried it, such as `"http"`. */
  readonly transportType: string;
  /** The peer's key when the transport authenticated it (iroh does), else undefined. */
  readonly peerKey: PublicKeyText | undefined;
  /**
   * True when `peerKey` is the key of the peer's network endpoint, which a peer may keep apart
   * from its device key (an Eidetica v0 node's iroh key): a handshake claiming another key is
   * then unproven rather than a contradiction. Default false (the key is the device key).
   */
  readonly endpointKey?: boolean;
  /**
   * The largest response this transport carries back, when below the protocol's 4 MiB (iroh
   * keeps Eidetica v0's 1 MiB). A handler pages its answers under it.
   */
  readonly maxMessageBytes?: number;
}

/** The server side: answers one decoded request. Must not throw (errors become `Error`). */
export interface SyncHandler {
  readonly [HANDLER_BRAND]: true;
  handle(request: SyncRequest, context: RequestContext): Promise<SyncResponse>;
  /**
   * Optional: called by the transport when a request could not be decoded, before it answers
   * with a `bad_request` error, so the handler can count the request against its sender
   * (reliability U5, R6). The transport waits for the returned promise, so a handler may
   * slow a misbehaving sender down. Must not throw.
   */
  invalidRequest?(error: unknown, context: RequestContext): Promise<void>;
}

/** Options of {@link SyncTransport.sendRequest}. */
export interface SendOptions {
  /** Aborts the request; the promise rejects with a `TransportError` (`aborted`). */
  readonly signal?: AbortSignal;
  /** Gives up after this many milliseconds with a `TransportError` (`timeout`). */
  readonly timeoutMs?: number;
}

/**
 * A way to reach peers: HTTP, iroh QUIC, the in-memory simulation, or your own. Prove an
 * implementation with `runTransportConformance` from `@eidetica/transport-conformance`.
 */
export interface SyncTransport {
  readonly [TRANSPORT_BRAND]: true;
  /** The transport kind, used in addresses: `"http"`, `"iroh"`, `"sim"`. */
  readonly kind: string;
  /**
   * The largest message this transport sends, when below the protocol's 4 MiB (iroh: 1 MiB,
   * for Eidetica v0 peers). Senders page requests under it.
   */
  readonly maxMessageBytes?: number | undefined;
  /** True if this transport can reach `address`. */
  canHandleAddress(address: Address): boolean;
  /** Starts serving `handler`; rejects with a `TransportError` if it cannot. */
  startServer(handler: SyncHandler): Promise<void>;
  /** Stops serving and releases every resource; stopping a stopped server does nothing. */
  stopServer(): Promise<void>;
  /** True while serving. */
  isServerRunning(): boolean;
  /** The address peers can reach the running server at (the real port when bound to 0). */
  serverAddress(): Address | undefined;
  /**
   * Sends a request and returns the peer's response. Rejects with a `TransportError` when the
   * peer cannot be reached, the request times out or is aborted, or the response is invalid.
   */
  sendRequest(address: Address, request: SyncRequest, options?: SendOptions): Promise<SyncResponse>;
}

/** True if `value` is a {@link SyncTransport}. */
export function isSyncTransport(value: unknown): value is SyncTransport {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[TRANSPORT_BRAND] === true;
}

/** True if `value` is a {@link SyncHandler}. */
export function isSyncHandler(value: unknown): value is SyncHandler {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[HANDLER_BRAND] === true;
}

/**
 * Makes a {@link SyncHandler} from a function. A thrown `EideticaError` becomes an `Error`
 * response with its (peer-safe) message; any other error becomes `"internal: internal error"`
 * and is passed to `onError` (default: `console.warn`), so nothing is swallowed silently.
 */
export function syncHandler(
  handle: (request: SyncRequest, context: RequestContext) => Promise<SyncResponse> | SyncResponse,
  onError: (error: unknown) => void = (error) => console.warn("eidetica: sync handler failed", error),
): SyncHandler {
  return {
    [HANDLER_BRAND]: true,
    async handle(request, context) {
      try {
        return await handle(request, context);
      } catch (error) {
        if (isEideticaError(error)) return { kind: "Error", message: error.message };
        onError(error);
        return wireError("internal", "internal error");
      }
    },
  };
}
