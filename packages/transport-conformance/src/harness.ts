/** The per-test world of the suite and its assertions. */
import { isEideticaError } from "@eidetica/core";
import { isSyncTransport, type Address, type SyncTransport, type TransportFailure } from "@eidetica/protocol";
import { expect } from "vitest";
import { StubHandler, type Responder } from "./stub.js";
import type { ConformanceSetup, TransportConformanceOptions } from "./types.js";

/** A serving transport with its stub handler and address. */
export interface Peer {
  readonly transport: SyncTransport;
  readonly stub: StubHandler;
  readonly address: Address;
}

/**
 * One test's transports: every transport and stub made here is stopped and released by
 * {@link Harness.close}, whatever the test did.
 */
export class Harness {
  readonly #setup: ConformanceSetup;
  readonly #transports: SyncTransport[] = [];
  readonly #stubs: StubHandler[] = [];
  /** See {@link TransportConformanceOptions.failFastMs}. */
  readonly failFastMs: number;

  private constructor(setup: ConformanceSetup, failFastMs: number) {
    this.#setup = setup;
    this.failFastMs = failFastMs;
  }

  /** Runs the author's setup. */
  static async open(options: TransportConformanceOptions): Promise<Harness> {
    return new Harness(await options.setup(), options.failFastMs ?? 2_000);
  }

  /** A new transport from the setup, checked to be a branded `SyncTransport`. */
  async transport(): Promise<SyncTransport> {
    const transport = await this.#setup.makeTransport();
    expect(isSyncTransport(transport), "makeTransport() must return a branded SyncTransport").toBe(true);
    this.#transports.push(transport);
    return transport;
  }

  /** A stub handler that is released when the test ends. */
  stub(respond?: Responder): StubHandler {
    const stub = new StubHandler(respond);
    this.#stubs.push(stub);
    return stub;
  }

  /** Starts `transport` serving `stub` and returns its address. */
  async serve(transport: SyncTransport, stub: StubHandler = this.stub()): Promise<Peer> {
    await transport.startServer(stub.handler);
    const address = transport.serverAddress();
    expect(address, "serverAddress() while running").toBeDefined();
    return { transport, stub, address: address as Address };
  }

  /** A new serving transport. */
  async peer(respond?: Responder): Promise<Peer> {
    return this.serve(await this.transport(), this.stub(respond));
  }

  /** An address where nothing listens: the setup's, or where a stopped server was. */
  async unreachableAddress(): Promise<Address> {
    if (this.#setup.unreachableAddress !== undefined) return this.#setup.unreachableAddress();
    const peer = await this.peer();
    await peer.transport.stopServer();
    return peer.address;
  }

  /** The setup's count of live handles, if it keeps one. */
  activeHandles(): number | undefined {
    return this.#setup.activeHandles?.();
  }

  /** Releases held requests, stops every transport, then tears the setup down. */
  async close(): Promise<void> {
    for (const stub of this.#stubs) stub.release();
    const stops = await Promise.allSettled(this.#transports.map((t) => t.stopServer()));
    await this.#setup.teardown?.();
    const failed = stops.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }
}

/** How a promise ended, or `hung` if it had not after the bound. */
export type Outcome<T> = { status: "fulfilled"; value: T } | { status: "rejected"; reason: unknown } | { status: "hung" };

/** Waits at most `ms` for `promise`; the bound only fails a hang, it measures nothing. */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ status: "hung" }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Outcome<T> => ({ status: "fulfilled", value }),
        (reason: unknown): Outcome<T> => ({ status: "rejected", reason }),
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts that `error` is a `TransportError` (checked by its code, not `instanceof`) with one of `failures`. */
export function expectTransportError(error: unknown, failures: readonly TransportFailure[]): void {
  expect(isEideticaError(error), `expected a TransportError, got ${String(error)}`).toBe(true);
  const typed = error as { code: string; failure?: unknown; message: string };
  expect(typed.code, typed.message).toBe("TRANSPORT");
  expect(failures, `failure of "${typed.message}"`).toContain(typed.failure);
}

/** Asserts that `promise` rejects within `ms` and returns the reason. */
export async function rejectsWithin(promise: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  const outcome = await settleWithin(promise, ms);
  if (outcome.status === "hung") expect.unreachable(`${what}: still pending after ${ms} ms`);
  if (outcome.status === "fulfilled") expect.unreachable(`${what}: resolved, but must reject`);
  return outcome.status === "rejected" ? outcome.reason : undefined;
}

/** Asserts that `promise` rejects within `ms` with a `TransportError` of one of `failures`. */
export async function expectFailure(
  promise: Promise<unknown>,
  failures: readonly TransportFailure[],
  ms: number,
  what: string,
): Promise<void> {
  expectTransportError(await rejectsWithin(promise, ms, what), failures);
}

/** Active resource counts by type (`TCPServerWrap`, `Timeout`, …), or undefined off Node. */
export function resourceCounts(): Map<string, number> | undefined {
  const info = (globalThis as { process?: { getActiveResourcesInfo?: () => string[] } }).process?.getActiveResourcesInfo?.();
  if (info === undefined) return undefined;
  const counts = new Map<string, number>();
  for (const type of info) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Resource types of which more are active now than in `before`, with the surplus. */
export function extraResources(before: Map<string, number> | undefined): string[] {
  const now = resourceCounts();
  if (before === undefined || now === undefined) return [];
  return [...now].filter(([type, n]) => n > (before.get(type) ?? 0)).map(([type, n]) => `${type} +${n - (before.get(type) ?? 0)}`);
}

/** Polls `check` until it returns true or `ms` pass; returns its last value. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
