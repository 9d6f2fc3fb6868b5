/** The options, context and reports of the background {@link SyncEngine}. */
import type { EideticaError, ID, PublicKeyText } from "@eidetica/core";
import type { ClientContext } from "../client/context.js";
import type { FlowHooks } from "../client/flows.js";
import type { SyncInstruments } from "../metrics.js";
import type { Timers } from "../timers.js";
import type { BackoffOptions } from "./backoff.js";
import type { SyncEngine } from "./engine.js";

/** Options of the background engine. */
export interface EngineOptions {
  /** Failed attempts of one job before it is handed to anti-entropy. Default 10. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  /**
   * How often anti-entropy runs for work handed to it in a database that has no interval of
   * its own, in seconds. Default 300 (Eidetica's periodic sync).
   */
  readonly fallbackIntervalSeconds?: number;
  /** The spread of each anti-entropy interval, as a fraction. Default 0.2 (±20%). */
  readonly intervalJitter?: number;
  /** How often the cursors learned are written to the peer store, in milliseconds. Default 5,000. */
  readonly persistEveryMs?: number;
}

/** A job that failed during {@link SyncEngine.flush}. */
export interface FlushFailure {
  readonly peer: PublicKeyText;
  readonly database: ID;
  readonly error: EideticaError;
}

/** What {@link SyncEngine.flush} did. */
export interface FlushReport {
  /** True if every queue emptied. */
  readonly ok: boolean;
  readonly failed: readonly FlushFailure[];
}

/** @internal What the engine is built on. */
export interface EngineContext {
  readonly client: ClientContext;
  readonly hooks: FlowHooks;
  readonly timers: Timers;
  readonly metrics: SyncInstruments;
}
