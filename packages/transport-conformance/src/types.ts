/** The options of {@link runTransportConformance} and what a transport author's setup returns. */
import type { Address, SyncTransport } from "@eidetica/protocol";

/**
 * A small world of transports for one test, made by {@link TransportConformanceOptions.setup}
 * before every test and torn down after it.
 *
 * @example
 * ```ts
 * setup: () => {
 *   const network = new SimNetwork({ time: { mode: "realtime" } });
 *   return {
 *     makeTransport: () => new MockTransport(network),
 *     activeHandles: () => network.activeHandles(),
 *     teardown: () => network.close(),
 *   };
 * }
 * ```
 */
export interface ConformanceSetup {
  /**
   * Creates a transport that is not serving yet. Two transports made by the same setup must
   * reach each other's servers (share a mock network, bind to loopback, …). Each test makes
   * up to three, and stops every one of them before {@link ConformanceSetup.teardown}.
   */
  makeTransport(): SyncTransport | Promise<SyncTransport>;
  /**
   * An address of this transport's kind where nothing listens (for HTTP: a closed loopback
   * port). Default: the address a transport made by this setup served at, after it stopped.
   */
  unreachableAddress?(): Address | Promise<Address>;
  /**
   * How many timers, sockets and pending requests the transports of this setup hold. Checked
   * to be 0 once every transport has stopped. Leave it out if the transport keeps no count;
   * the suite still compares `process.getActiveResourcesInfo()` before and after.
   */
  activeHandles?(): number;
  /** Releases what the transports share (a network, a temporary folder). Runs after every test. */
  teardown?(): void | Promise<void>;
}

/** The options of {@link runTransportConformance}. */
export interface TransportConformanceOptions {
  /** Shown in the name of the `describe` block, such as `"HttpTransport"`. */
  readonly name: string;
  /** Called before every test; the world it returns is used by that test only. */
  setup(): ConformanceSetup | Promise<ConformanceSetup>;
  /**
   * The bound, in milliseconds, within which a request to an unreachable or stopped peer, an
   * abort, or a 200 ms timeout must settle. It exists only to fail a hang, not to measure
   * speed. Default 2,000.
   */
  readonly failFastMs?: number;
  /**
   * The largest message the transport carries, if below the protocol's 4 MiB (iroh keeps
   * Eidetica v0's 1 MiB): the payload cases go up to just under it, and the over-limit cases
   * just past it. Default 4 MiB.
   */
  readonly maxMessageBytes?: number;
  /**
   * Compare `process.getActiveResourcesInfo()` before a test's transports start and after they
   * stop (no socket, server or timer may remain). Default true; turn it off only for a
   * transport that keeps a process-wide pool on purpose, and say so in its README.
   */
  readonly checkProcessResources?: boolean;
}
