import { InvalidStateError, LIMITS } from "@eidetica/core";
import {
  TRANSPORT_BRAND,
  TransportError,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type Address,
  type SendOptions,
  type SyncHandler,
  type SyncRequest,
  type SyncResponse,
  type SyncTransport,
} from "@eidetica/protocol";

/** The "network": running servers by address, shared by the transports of one test. */
export type Registry = Map<string, SyncHandler>;
let nextName = 0;

/** Calls handlers in the same process, through the real codec, as a wire would. */
export class InProcessTransport implements SyncTransport {
  readonly [TRANSPORT_BRAND] = true as const;
  readonly kind = "inproc";
  readonly #name = `inproc-${++nextName}`;
  #running = false;

  constructor(private readonly registry: Registry) {}

  canHandleAddress(address: Address): boolean {
    return address.transportType === this.kind;
  }

  async startServer(handler: SyncHandler): Promise<void> {
    if (this.#running) throw new InvalidStateError("the server is already running");
    this.registry.set(this.#name, handler);
    this.#running = true;
  }

  async stopServer(): Promise<void> {
    this.registry.delete(this.#name);
    this.#running = false;
  }

  isServerRunning(): boolean {
    return this.#running;
  }

  serverAddress(): Address | undefined {
    return this.#running ? { transportType: this.kind, address: this.#name } : undefined;
  }

  async sendRequest(address: Address, request: SyncRequest, options: SendOptions = {}): Promise<SyncResponse> {
    const body = new TextEncoder().encode(encodeRequest(request));
    if (body.length > LIMITS.messageBytes) throw new TransportError("request above 4 MiB", "too_large");
    const handler = this.registry.get(address.address);
    if (handler === undefined) throw new TransportError(`nothing listens at ${address.address}`, "unreachable");
    const context = { remoteAddress: this.serverAddress(), transportType: this.kind, peerKey: undefined };
    const answer = (async () => {
      let response: SyncResponse;
      try {
        response = await handler.handle(decodeRequest(body), context);
      } catch {
        response = { kind: "Error", message: "internal: internal error" };
      }
      return decodeResponse(encodeResponse(response));
    })();
    return withDeadline(answer, options);
  }
}

/** Settles with `work`, unless `signal` aborts or `timeoutMs` passes first; leaves no timer. */
function withDeadline<T>(work: Promise<T>, { signal, timeoutMs }: SendOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(new TransportError("request aborted", "aborted")));
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(() => reject(new TransportError("request timed out", "timeout"))), timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort);
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
