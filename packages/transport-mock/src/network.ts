/** {@link SimNetwork}: the seeded, in-process network that `MockTransport`s talk over. */
import { InvalidStateError, LIMITS, manualClock, seededRandom, systemClock, type Clock } from "@eidetica/core";
import type { Address } from "@eidetica/protocol";
import { reorderQueue, takeQueued } from "./manual.js";
import { RealtimeScheduler, VirtualScheduler } from "./scheduler.js";
import { SIM_KIND, type MessageInfo, type SimCounters, type SimNetworkOptions, type SimNodeRef } from "./types.js";
import { Wire, registerWire } from "./wire.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The name of a node given as a name, an address or a transport. */
function nodeName(ref: SimNodeRef): string {
  return typeof ref === "string" ? ref : "transportType" in ref ? ref.address : ref.address.address;
}

/**
 * An in-process network for tests and simulations. Every message is really encoded and
 * decoded (by the `MockTransport`s at both ends), crosses a size limit, partitions, seeded
 * loss and latency, and is counted. Runs replay exactly from their seed in virtual time.
 *
 * @example
 * ```ts
 * const network = new SimNetwork({ seed: 7, latency: { fixedMs: 20, jitterMs: 10 } });
 * const a = new MockTransport(network);
 * const b = new MockTransport(network);
 * await b.startServer(handler);
 * const answer = a.sendRequest(b.address, request);
 * await network.run(); // delivers the request and the response, moving the clock ~40 ms
 * await answer;
 * ```
 */
export class SimNetwork {
  /** The network's clock: virtual (moved by the network) or the one passed in realtime mode. */
  readonly clock: Clock;
  /**
   * Timers on the network's own time: hand them to the code under test (a sync engine's
   * retries and anti-entropy) so that in virtual time its waits run in order with the
   * messages, and a seeded run replays exactly. `set` returns a handle for `clear`; `now` is
   * the time they count on (virtual time, or Node's monotonic clock in realtime mode).
   */
  readonly timers: { now(): number; set(callback: () => void, ms: number): unknown; clear(handle: unknown): void };
  readonly #wire: Wire;
  readonly #virtual: VirtualScheduler | undefined;
  readonly #autoRun: boolean;
  readonly #settleTurns: number;
  #autoRunning = false;
  #autoScheduled = false;

  /** @throws {InvalidStateError} if `autoRun` is combined with `manual` delivery. */
  constructor(options: SimNetworkOptions = {}) {
    const time = options.time ?? { mode: "virtual" };
    if (time.mode === "virtual") {
      this.#virtual = new VirtualScheduler(time.clock ?? manualClock());
      this.#autoRun = time.autoRun === true;
      if (this.#autoRun && options.manual === true) throw new InvalidStateError("autoRun cannot be combined with manual delivery");
    } else {
      this.#virtual = undefined;
      this.#autoRun = false;
    }
    const scheduler = this.#virtual ?? new RealtimeScheduler(time.clock ?? systemClock);
    this.clock = scheduler.clock;
    this.#settleTurns = options.settleTurns ?? 10;
    this.#wire = new Wire({
      scheduler,
      random: options.random ?? seededRandom(options.seed ?? 0),
      latency: { fixedMs: options.latency?.fixedMs ?? 0, jitterMs: options.latency?.jitterMs ?? 0 },
      manual: options.manual === true,
      maxMessageBytes: options.maxMessageBytes ?? LIMITS.messageBytes,
      lossRate: options.lossRate ?? 0,
      trace: options.trace,
      onActivity: () => this.#kick(),
    });
    registerWire(this, this.#wire);
    this.timers = {
      // Virtual time only moves forward; real timers count on Node's monotonic clock.
      now: () => (this.#virtual !== undefined ? scheduler.clock.nowMillis() : performance.now()),
      set: (callback, ms) => {
        const cancel = scheduler.schedule(ms, callback);
        this.#kick();
        return cancel;
      },
      clear: (handle) => {
        if (typeof handle === "function") (handle as () => void)();
      },
    };
  }

  /** The address of the node named `name`: `{ transportType: "sim", address: name }`. */
  static address(name: string): Address {
    return { transportType: SIM_KIND, address: name };
  }

  /** The names of every node, in the order they joined. */
  nodes(): string[] {
    return [...this.#wire.nodes.keys()];
  }

  /** Blocks messages from `from` to `to` only; `to` can still reach `from`. */
  partition(from: SimNodeRef, to: SimNodeRef): void {
    this.#wire.block(nodeName(from), nodeName(to), true);
  }

  /**
   * Lifts partitions: `heal(a, b)` the one from `a` to `b`; `heal(a)` every one from or to `a`;
   * `heal()` all of them.
   */
  heal(from?: SimNodeRef, to?: SimNodeRef): void {
    if (from !== undefined && to !== undefined) this.#wire.block(nodeName(from), nodeName(to), false);
    else this.#wire.unblock(from === undefined ? undefined : nodeName(from));
  }

  /** True if messages from `from` to `to` are blocked. */
  isPartitioned(from: SimNodeRef, to: SimNodeRef): boolean {
    return this.#wire.isBlocked(nodeName(from), nodeName(to));
  }

  /** A snapshot of the counters. */
  counters(): SimCounters {
    return this.#wire.counters();
  }

  /** Waiting timers and deliveries, open requests and running handlers: 0 when all is quiet. */
  activeHandles(): number {
    return this.#wire.activeHandles();
  }

  /**
   * Virtual time: runs every waiting delivery and timeout in time order, moving the clock, until
   * none is left; returns how many ran. Handlers take no virtual time.
   * @throws {InvalidStateError} in realtime mode, or after `maxSteps` (a run that never ends).
   */
  async run(maxSteps = 1_000_000): Promise<number> {
    const scheduler = this.#virtualOnly("run");
    for (let steps = 0; ; steps++) {
      await this.#settle();
      if (!scheduler.runNext()) return steps;
      if (steps >= maxSteps) throw new InvalidStateError(`the network was still busy after ${maxSteps} steps`);
    }
  }

  /** Virtual time: runs the next delivery or timeout only; false if none waits. */
  async step(): Promise<boolean> {
    const scheduler = this.#virtualOnly("step");
    await this.#settle();
    const ran = scheduler.runNext();
    await this.#settle();
    return ran;
  }

  /** Virtual time: runs what falls due in the next `ms` milliseconds and moves the clock by `ms`. */
  async advance(ms: number): Promise<void> {
    const scheduler = this.#virtualOnly("advance");
    const target = scheduler.clock.nowMillis() + ms;
    for (;;) {
      await this.#settle();
      const next = scheduler.nextAt();
      if (next === undefined || next > target) break;
      scheduler.runNext();
    }
    if (scheduler.clock.nowMillis() < target) scheduler.clock.set(target);
    await this.#settle();
  }

  /** Manual delivery: the queued messages, in the order they would be delivered. */
  pending(): MessageInfo[] {
    return this.#wire.queue.map((m) => m.info);
  }

  /**
   * Manual delivery: delivers the queued message at `index` and lets its receiver handle it.
   * @throws {InvalidStateError} if no message is queued there.
   */
  async deliverOne(index = 0): Promise<void> {
    this.#wire.deliver(takeQueued(this.#wire, index));
    await this.#settle();
  }

  /** Manual delivery: delivers queued messages, and the responses they cause, until none is left. */
  async deliverAll(maxSteps = 1_000_000): Promise<number> {
    let delivered = 0;
    while (this.#wire.queue.length > 0) {
      if (delivered++ >= maxSteps) throw new InvalidStateError(`messages were still queued after ${maxSteps} deliveries`);
      await this.deliverOne(0);
    }
    return delivered;
  }

  /**
   * Manual delivery: puts the queue in a new order: `order[i]` is the current index of the
   * message to deliver i-th. Without `order`, a seeded shuffle.
   * @throws {InvalidStateError} if `order` is not a permutation of the queue's indexes.
   */
  reorder(order?: readonly number[]): void {
    reorderQueue(this.#wire, order);
  }

  /** Manual delivery: queues a copy of the message at `index` right after it. */
  duplicate(index: number): void {
    const message = takeQueued(this.#wire, index, false);
    const copy = { ...message, info: { ...message.info, id: this.#wire.nextMessageId() } };
    this.#wire.queue.splice(index + 1, 0, copy);
    this.#wire.record("duplicate", copy);
  }

  /** Manual delivery: loses the message at `index`; its request gets no answer. */
  drop(index: number): void {
    this.#wire.record("drop", takeQueued(this.#wire, index));
  }

  /**
   * Stops every server, ends every open request with `TransportError` `closed`, and cancels every
   * timer and queued message. Later requests fail `closed`.
   */
  async close(): Promise<void> {
    this.#wire.closed = true;
    for (const node of this.#wire.nodes.values()) {
      this.#wire.unlisten(node);
      this.#wire.abandon(node);
    }
    this.#wire.queue = [];
    this.#wire.settings.scheduler.cancelAll();
  }

  #virtualOnly(what: string): VirtualScheduler {
    if (this.#virtual === undefined) throw new InvalidStateError(`${what}() needs virtual time; this network runs in realtime`);
    return this.#virtual;
  }

  /** Lets running handlers finish (up to `settleTurns` event-loop turns). */
  async #settle(): Promise<void> {
    let turns = 0;
    do await turn();
    while (this.#wire.busy > 0 && ++turns < this.#settleTurns);
  }

  /** With `autoRun`, starts a run soon after something new waits. */
  #kick(): void {
    if (!this.#autoRun || this.#autoRunning || this.#autoScheduled) return;
    this.#autoScheduled = true;
    setImmediate(() => {
      this.#autoScheduled = false;
      this.#autoRunning = true;
      this.run().finally(() => {
        this.#autoRunning = false;
        if ((this.#virtual?.size() ?? 0) > 0) this.#kick();
      });
    });
  }
}
