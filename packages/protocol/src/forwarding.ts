/** {@link ForwardingTransport}: a transport that passes everything to another one. */
import type { Address } from "./address.js";
import type { SyncRequest, SyncResponse } from "./messages.js";
import { TRANSPORT_BRAND, type SendOptions, type SyncHandler, type SyncTransport } from "./transport.js";

/**
 * Wraps a transport and passes every call to it: extend it and override what you want to
 * watch or change (count requests, delay them, fail some, hold pushes), and the rest keeps
 * working as the inner transport does.
 *
 * @example
 * ```ts
 * class Counting extends ForwardingTransport {
 *   sent = 0;
 *   override sendRequest(address: Address, request: SyncRequest, options?: SendOptions) {
 *     this.sent++;
 *     return super.sendRequest(address, request, options);
 *   }
 * }
 * const transport = new Counting(new MockTransport(network, { name: "a" }));
 * ```
 */
export class ForwardingTransport implements SyncTransport {
  readonly [TRANSPORT_BRAND] = true as const;
  /** The transport every call goes to. */
  protected readonly inner: SyncTransport;

  constructor(inner: SyncTransport) {
    this.inner = inner;
  }

  get kind(): string {
    return this.inner.kind;
  }

  get maxMessageBytes(): number | undefined {
    return this.inner.maxMessageBytes;
  }

  canHandleAddress(address: Address): boolean {
    return this.inner.canHandleAddress(address);
  }

  startServer(handler: SyncHandler): Promise<void> {
    return this.inner.startServer(handler);
  }

  stopServer(): Promise<void> {
    return this.inner.stopServer();
  }

  isServerRunning(): boolean {
    return this.inner.isServerRunning();
  }

  serverAddress(): Address | undefined {
    return this.inner.serverAddress();
  }

  sendRequest(address: Address, request: SyncRequest, options?: SendOptions): Promise<SyncResponse> {
    return this.inner.sendRequest(address, request, options);
  }
}
