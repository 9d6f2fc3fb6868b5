/**
 * {@link Courier}: a transport wrapper that takes over pushes (`SendEntries`) the way
 * Eidetica's manual delivery does: the sender gets an optimistic `Ack` at once, and the push
 * waits until the test delivers it, in any order, more than once, or never (silent loss,
 * reliability F5). Handshakes and reads go through unchanged.
 */
import type { Random } from "@eidetica/core";
import { ForwardingTransport, type Address, type SendOptions, type SyncRequest, type SyncResponse, type SyncTransport } from "@eidetica/protocol";

/** A push held by a {@link Courier}. */
export interface HeldPush {
  readonly address: Address;
  readonly request: SyncRequest;
}

/** What a {@link Courier} did. */
export interface CourierCounts {
  held: number;
  delivered: number;
  duplicated: number;
  dropped: number;
  /** Deliveries that did not go in the order the pushes were sent. */
  reordered: number;
}

/** @internal The shared queue of every courier of a simulation. */
export class CourierQueue {
  readonly held: { push: HeldPush; via: SyncTransport; seq: number }[] = [];
  readonly counts: CourierCounts = { held: 0, delivered: 0, duplicated: 0, dropped: 0, reordered: 0 };
  #seq = 0;

  take(push: HeldPush, via: SyncTransport): void {
    this.held.push({ push, via, seq: this.#seq++ });
    this.counts.held++;
  }

  /** Delivers the push at `index` (the receiver's answer is dropped, as the sender already has its Ack). */
  async deliver(index: number, keep = false): Promise<void> {
    const item = this.held[index];
    if (item === undefined) return;
    if (!keep) {
      this.held.splice(index, 1);
      if (this.held.some((other) => other.seq < item.seq)) this.counts.reordered++;
    }
    this.counts.delivered++;
    try {
      await item.via.sendRequest(item.push.address, item.push.request);
    } catch {
      // A late push that cannot be delivered is as good as lost; anti-entropy repairs it.
    }
  }

  /** Delivers a copy of the push at `index` and keeps it queued (it arrives twice). */
  async duplicate(index: number): Promise<void> {
    if (this.held[index] === undefined) return;
    this.counts.duplicated++;
    await this.deliver(index, true);
  }

  /** Loses the push at `index` (silently: its sender had an Ack). */
  drop(index: number): void {
    if (this.held.splice(index, 1).length > 0) this.counts.dropped++;
  }

  /** Delivers everything held, in a random order. */
  async deliverAll(random: Random & { nextU32(): number }): Promise<void> {
    while (this.held.length > 0) await this.deliver(random.nextU32() % this.held.length);
  }
}

/**
 * Wraps `inner`: pushes are handed to `queue` (and answered `Ack` / `Count` at once) while
 * `capturing()` says so; everything else, and pushes otherwise, go through `inner`.
 */
export class Courier extends ForwardingTransport {
  readonly #queue: CourierQueue;
  readonly #capturing: () => boolean;

  constructor(inner: SyncTransport, queue: CourierQueue, capturing: () => boolean) {
    super(inner);
    this.#queue = queue;
    this.#capturing = capturing;
  }

  override async sendRequest(address: Address, request: SyncRequest, options?: SendOptions): Promise<SyncResponse> {
    if (request.kind !== "SendEntries" || !this.#capturing()) return this.inner.sendRequest(address, request, options);
    this.#queue.take({ address, request }, this.inner);
    return request.entries.length <= 1 ? { kind: "Ack" } : { kind: "Count", count: request.entries.length };
  }
}
