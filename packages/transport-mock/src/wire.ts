/**
 * The wire under a {@link SimNetwork}: nodes, request/response exchanges, and every message's
 * path (size limit, partitions, loss, latency or the manual queue, delivery). Internal: the
 * public surface is `SimNetwork` and `MockTransport`.
 */
import { InvalidStateError, type PublicKeyText, type Random } from "@eidetica/core";
import { TransportError, type SendOptions, type TransportFailure } from "@eidetica/protocol";
import type { Scheduler } from "./scheduler.js";
import type { LatencyModel, MessageInfo, SimCounters, SimEvent } from "./types.js";

/** What a server makes of a request's bytes: the response's kind and bytes. Never rejects. */
export type Serve = (bytes: Uint8Array, from: SimNode) => Promise<{ readonly kind: string; readonly bytes: Uint8Array }>;

/** A transport's presence on the network. */
export interface SimNode {
  readonly name: string;
  readonly peerKey: PublicKeyText | undefined;
  serve: Serve | undefined;
  /** Requests this node sent that have not ended. */
  readonly outgoing: Set<Exchange>;
  /** Requests this node's server is handling. */
  readonly serving: Set<Exchange>;
}

/** One request and the wait for its response. */
export interface Exchange {
  readonly id: number;
  readonly from: SimNode;
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: TransportError) => void;
  /** Undo timers, listeners and scheduled deliveries when the exchange ends. */
  readonly cleanups: Set<() => void>;
  settled: boolean;
}

/** A message on the wire. */
export interface Message {
  readonly info: MessageInfo;
  readonly exchange: Exchange;
  readonly bytes: Uint8Array;
}

/** The wire's settings, fixed when the network is made. */
export interface WireSettings {
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly latency: Required<LatencyModel>;
  readonly manual: boolean;
  readonly maxMessageBytes: number;
  readonly lossRate: number;
  readonly trace: ((event: SimEvent) => void) | undefined;
  /** Called whenever something new waits to run (for `autoRun`). */
  readonly onActivity: () => void;
}

const COUNTER: Record<SimEvent["type"], keyof SimCounters> = {
  send: "sent",
  deliver: "delivered",
  drop: "dropped",
  duplicate: "duplicated",
  reorder: "reordered",
  partitioned: "partitioned",
  unreachable: "unreachable",
  too_large: "tooLarge",
  late: "late",
};
const FAILURE_COUNTER: Partial<Record<TransportFailure, keyof SimCounters>> = { timeout: "timedOut", aborted: "aborted", closed: "closed" };

/** Nodes, exchanges and messages of one network. */
export class Wire {
  readonly nodes = new Map<string, SimNode>();
  /** Messages waiting for manual delivery, in delivery order. */
  queue: Message[] = [];
  /** Handlers running now. */
  busy = 0;
  closed = false;
  readonly #counters: Record<keyof SimCounters, number> = {
    sent: 0, delivered: 0, dropped: 0, duplicated: 0, reordered: 0, partitioned: 0,
    unreachable: 0, tooLarge: 0, late: 0, timedOut: 0, aborted: 0, closed: 0,
  };
  readonly #blocked = new Set<string>();
  #nodeNumber = 0;
  #messageId = 0;
  #exchangeId = 0;

  constructor(readonly settings: WireSettings) {}

  /**
   * Adds a node, named `sim-peer-N` unless `name` is given.
   * @throws {InvalidStateError} if `name` is taken.
   */
  attach(name: string | undefined, peerKey: PublicKeyText | undefined): SimNode {
    if (name !== undefined && this.nodes.has(name)) throw new InvalidStateError(`the name sim:${name} is taken`);
    let chosen = name;
    while (chosen === undefined || this.nodes.has(chosen)) chosen = `sim-peer-${++this.#nodeNumber}`;
    const node: SimNode = { name: chosen, peerKey, serve: undefined, outgoing: new Set(), serving: new Set() };
    this.nodes.set(chosen, node);
    return node;
  }

  /** Stops `node`'s server: the requests it was handling end `closed`. */
  unlisten(node: SimNode): void {
    node.serve = undefined;
    for (const exchange of [...node.serving]) this.fail(exchange, "closed", `sim:${node.name} stopped while handling the request`);
    node.serving.clear();
  }

  /** Ends every request `node` is waiting on with `closed`. */
  abandon(node: SimNode): void {
    for (const exchange of [...node.outgoing]) this.fail(exchange, "closed", `sim:${node.name} stopped`);
  }

  counters(): SimCounters {
    return { ...this.#counters };
  }

  block(from: string, to: string, blocked: boolean): void {
    if (blocked) this.#blocked.add(`${from}\u0000${to}`);
    else this.#blocked.delete(`${from}\u0000${to}`);
  }

  /** Lifts every partition, or every one from or to the node named `name`. */
  unblock(name?: string): void {
    if (name === undefined) return this.#blocked.clear();
    for (const key of [...this.#blocked]) if (key.split("\u0000").includes(name)) this.#blocked.delete(key);
  }

  isBlocked(from: string, to: string): boolean {
    return this.#blocked.has(`${from}\u0000${to}`);
  }

  /** Sends a request from `from` to the node named `to`; resolves with the response's bytes. */
  request(from: SimNode, to: string, bytes: Uint8Array, kind: string, options: SendOptions): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const exchange: Exchange = { id: this.#exchangeId++, from, resolve, reject, cleanups: new Set(), settled: false };
      const { signal, timeoutMs } = options;
      if (this.closed) return this.fail(exchange, "closed", "the network is closed");
      if (signal?.aborted === true) return this.fail(exchange, "aborted", "the request was aborted");
      from.outgoing.add(exchange);
      if (signal !== undefined) {
        const onAbort = () => this.fail(exchange, "aborted", "the request was aborted");
        signal.addEventListener("abort", onAbort);
        exchange.cleanups.add(() => signal.removeEventListener("abort", onAbort));
      }
      if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
        const onTimeout = () => this.fail(exchange, "timeout", `no response within ${timeoutMs} ms`);
        exchange.cleanups.add(this.settings.scheduler.schedule(timeoutMs, onTimeout));
        this.settings.onActivity();
      }
      this.send(exchange, "request", from.name, to, kind, bytes);
    });
  }

  /** Puts a message on the wire, or stops it there (late, too large, partitioned, unreachable, lost). */
  send(exchange: Exchange, direction: MessageInfo["direction"], from: string, to: string, kind: string, bytes: Uint8Array): void {
    const message = this.#message(exchange, direction, from, to, kind, bytes);
    const { maxMessageBytes, lossRate, manual, scheduler } = this.settings;
    if (direction === "response" && exchange.settled) return this.record("late", message);
    if (bytes.length > maxMessageBytes) {
      this.record("too_large", message);
      return this.fail(exchange, "too_large", `the ${direction} has ${bytes.length} bytes, above the limit of ${maxMessageBytes}`);
    }
    if (this.#stoppedByPartition(message)) return;
    if (direction === "request" && this.nodes.get(to)?.serve === undefined) {
      this.record("unreachable", message);
      return this.fail(exchange, "unreachable", `nothing listens at sim:${to}`);
    }
    if (lossRate > 0 && this.#float() < lossRate) return this.record("drop", message);
    this.record("send", message);
    if (manual) {
      this.queue.push(message);
      return;
    }
    const cancel = scheduler.schedule(this.#delay(), () => {
      exchange.cleanups.delete(cancel);
      this.deliver(message);
    });
    exchange.cleanups.add(cancel);
    this.settings.onActivity();
  }

  /** Hands a message to its receiver: a request to the server, a response to the waiting sender. */
  deliver(message: Message): void {
    const { info, exchange } = message;
    if (this.#stoppedByPartition(message)) return;
    if (info.direction === "response") {
      if (exchange.settled) return this.record("late", message);
      this.record("deliver", message);
      return this.#succeed(exchange, message.bytes);
    }
    const node = this.nodes.get(info.to);
    const serve = node?.serve;
    if (node === undefined || serve === undefined) {
      this.record("unreachable", message);
      return this.fail(exchange, "unreachable", `nothing listens at sim:${info.to}`);
    }
    this.record("deliver", message);
    this.busy++;
    node.serving.add(exchange);
    const done = (response: { kind: string; bytes: Uint8Array } | undefined) => {
      this.busy--;
      node.serving.delete(exchange);
      if (response === undefined) this.fail(exchange, "protocol", `sim:${info.to} failed to answer`);
      else if (node.serve !== serve) this.record("late", this.#message(exchange, "response", info.to, info.from, response.kind, response.bytes));
      else this.send(exchange, "response", info.to, info.from, response.kind, response.bytes);
      this.settings.onActivity();
    };
    serve(message.bytes, exchange.from).then(done, () => done(undefined));
  }

  /** Ends an exchange with a `TransportError`; nothing if it has ended already. */
  fail(exchange: Exchange, failure: TransportFailure, reason: string): void {
    if (!this.#end(exchange)) return;
    const counter = FAILURE_COUNTER[failure];
    if (counter !== undefined) this.#counters[counter]++;
    exchange.reject(new TransportError(reason, failure));
  }

  /** Counts an event and passes it to the trace. */
  record(type: SimEvent["type"], message: Message): void {
    this.#counters[COUNTER[type]]++;
    this.settings.trace?.({ type, at: this.settings.scheduler.clock.nowMillis(), message: message.info });
  }

  /** Timers, waiting messages, open requests and running handlers: 0 when all is quiet. */
  activeHandles(): number {
    let open = 0;
    for (const node of this.nodes.values()) open += node.outgoing.size;
    return this.settings.scheduler.size() + open + this.busy;
  }

  /** A whole number in [0, n), from the seeded randomness. */
  randomInt(n: number): number {
    return Math.floor(this.#float() * n);
  }

  /** A new message id (for duplicates). */
  nextMessageId(): number {
    return this.#messageId++;
  }

  #message(exchange: Exchange, direction: MessageInfo["direction"], from: string, to: string, kind: string, bytes: Uint8Array): Message {
    return { info: { id: this.#messageId++, exchange: exchange.id, direction, from, to, kind, bytes: bytes.length }, exchange, bytes };
  }

  #succeed(exchange: Exchange, bytes: Uint8Array): void {
    if (this.#end(exchange)) exchange.resolve(bytes);
  }

  #end(exchange: Exchange): boolean {
    if (exchange.settled) return false;
    exchange.settled = true;
    for (const cleanup of exchange.cleanups) cleanup();
    exchange.cleanups.clear();
    exchange.from.outgoing.delete(exchange);
    return true;
  }

  #stoppedByPartition(message: Message): boolean {
    const { info, exchange } = message;
    if (!this.isBlocked(info.from, info.to)) return false;
    this.record("partitioned", message);
    // A blocked request finds no route; a blocked response means the connection broke under it.
    if (info.direction === "request") this.fail(exchange, "unreachable", `sim:${info.from} cannot reach sim:${info.to} (partitioned)`);
    else this.fail(exchange, "closed", `the response from sim:${info.from} was cut off (partitioned)`);
    return true;
  }

  #float(): number {
    const b = this.settings.random.bytes(4);
    return (((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16)) + (b[3] ?? 0) * 2 ** 24) / 2 ** 32;
  }

  #delay(): number {
    const { fixedMs, jitterMs } = this.settings.latency;
    return fixedMs + (jitterMs > 0 ? this.randomInt(jitterMs + 1) : 0);
  }
}

const wires = new WeakMap<object, Wire>();

/** Links a network to its wire (called by `SimNetwork`). */
export function registerWire(network: object, wire: Wire): void {
  wires.set(network, wire);
}

/** The wire of a network. */
export function wireOf(network: object): Wire {
  const wire = wires.get(network);
  if (wire === undefined) throw new InvalidStateError("a MockTransport needs a SimNetwork");
  return wire;
}
