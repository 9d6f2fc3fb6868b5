/** The options, counters and events of a {@link SimNetwork}. */
import type { Clock, ManualClock, Random } from "@eidetica/core";
import type { Address } from "@eidetica/protocol";

/**
 * How long one message takes: `fixedMs` plus a whole number of milliseconds drawn uniformly
 * from `[0, jitterMs]` with the network's seeded {@link Random}. A request and its response
 * each take one delay.
 */
export interface LatencyModel {
  /** Milliseconds every message takes. */
  readonly fixedMs: number;
  /** Most extra milliseconds, drawn per message; default 0. */
  readonly jitterMs?: number;
}

/**
 * How time passes in a {@link SimNetwork}.
 *
 * - `virtual` (the default): time is a {@link ManualClock} that only the network moves.
 *   Nothing is delivered until you call `run()`, `step()` or `advance(ms)`, or set `autoRun`,
 *   which runs the network by itself whenever a message or timeout is waiting. Replays exactly.
 * - `realtime`: latencies and timeouts are real timers; the clock only stamps events. Use it
 *   where code under test waits on real time (the conformance suite).
 */
export type SimTime =
  | { readonly mode: "virtual"; readonly clock?: ManualClock; readonly autoRun?: boolean }
  | { readonly mode: "realtime"; readonly clock?: Clock };

/** The options of a {@link SimNetwork}. All are optional. */
export interface SimNetworkOptions {
  /** Seed of the network's randomness (jitter, loss, shuffles); default 0. */
  readonly seed?: number | bigint;
  /** The randomness itself; overrides `seed`. Use a seeded one to keep runs replayable. */
  readonly random?: Random;
  /** How time passes; default `{ mode: "virtual" }` on a fresh `manualClock()`. */
  readonly time?: SimTime;
  /** Delay of each message; default none. Ignored in manual delivery, where you deliver. */
  readonly latency?: LatencyModel;
  /** Queue every message until `deliverOne`, `deliverAll`, `drop`… (see {@link SimNetwork.pending}). */
  readonly manual?: boolean;
  /** Largest message in bytes (encoded JSON); default 4 MiB, the protocol limit. */
  readonly maxMessageBytes?: number;
  /** Probability in [0, 1] that a message is silently lost (seeded); default 0. */
  readonly lossRate?: number;
  /** Called for every event on the wire, in order; see {@link SimEvent}. */
  readonly trace?: (event: SimEvent) => void;
  /**
   * Event-loop turns the network waits for a running handler to finish before it moves on
   * (virtual time and manual delivery); default 10. Handlers take no virtual time.
   */
  readonly settleTurns?: number;
}

/** Everything the network did or injected, counted since it was made. */
export interface SimCounters {
  /** Messages put on the wire (requests and responses). */
  readonly sent: number;
  /** Messages handed to their receiver. */
  readonly delivered: number;
  /** Messages lost: by `drop(i)` or by `lossRate`. Their requests get no answer. */
  readonly dropped: number;
  /** Copies added by `duplicate(i)`. */
  readonly duplicated: number;
  /** Queued messages whose place `reorder()` changed. */
  readonly reordered: number;
  /** Messages stopped by a partition. */
  readonly partitioned: number;
  /** Requests to an address with no running server. */
  readonly unreachable: number;
  /** Messages refused for being above `maxMessageBytes`. */
  readonly tooLarge: number;
  /** Responses that came after their request had ended (duplicates, after a timeout or abort). */
  readonly late: number;
  /** Requests that ended with `timeout`. */
  readonly timedOut: number;
  /** Requests that ended with `aborted`. */
  readonly aborted: number;
  /** Requests that ended with `closed` (a server or transport stopped under them). */
  readonly closed: number;
}

/** What a message is, as shown by {@link SimNetwork.pending} and in {@link SimEvent}s. */
export interface MessageInfo {
  /** Unique per network, in send order (a duplicate gets a new one). */
  readonly id: number;
  /** The request/response exchange it belongs to. */
  readonly exchange: number;
  /** A request, or the response to one. */
  readonly direction: "request" | "response";
  /** The sending node's name, such as `sim-peer-1`. */
  readonly from: string;
  /** The receiving node's name. */
  readonly to: string;
  /** The message kind: `SyncTree`, `Ack`, … */
  readonly kind: string;
  /** Encoded size in bytes. */
  readonly bytes: number;
}

/** One thing that happened on the wire, at `at` milliseconds on the network's clock. */
export interface SimEvent {
  readonly type: "send" | "deliver" | "drop" | "duplicate" | "reorder" | "partitioned" | "unreachable" | "too_large" | "late";
  readonly at: number;
  readonly message: MessageInfo;
}

/** A node named by its name, its {@link Address}, or anything with an `address` (a transport). */
export type SimNodeRef = string | Address | { readonly address: Address };

/** The transport kind and address prefix of the simulation. */
export const SIM_KIND = "sim";
