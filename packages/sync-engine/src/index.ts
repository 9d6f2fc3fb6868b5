/**
 * @eidetica/sync-engine: sync for an Eidetica `Instance`. The server side answers handshakes
 * (mutual), bootstraps (with key approval), exact incremental diffs in pages, signed reads and
 * checked pushes, penalising misbehaving senders; the client side bootstraps databases and
 * syncs them both ways; everything it learns is kept in `@eidetica/peer-store`.
 *
 * @example
 * ```ts
 * import { Instance } from "@eidetica/core";
 * import { Sync } from "@eidetica/sync-engine";
 *
 * const sync = await Sync.create(instance, { transports: [transport] });
 * await sync.enableSync(db.id);
 * await sync.startServers();
 * const ticket = sync.createTicket(db.id);
 * // elsewhere: const { db } = await otherSync.bootstrap(ticket);
 * ```
 * @packageDocumentation
 */
export { Sync, type SyncCreateOptions } from "./sync.js";
export { SyncHandle, type SyncStatus } from "./handle.js";
export { SyncServer, type ServerStats } from "./server/handler.js";
export { TransportManager } from "./transports.js";
export { SyncEvents, type SyncEventMap, type SyncEventName, type SyncListener } from "./events.js";
export { consoleLogger, silentLogger, type LogFields, type Logger } from "./logger.js";
export { sleep, systemTimers, type Timers } from "./timers.js";
export { SyncEngine, type EngineOptions, type FlushFailure, type FlushReport } from "./engine/engine.js";
export { backoffDelay, type BackoffOptions } from "./engine/backoff.js";
export {
  memoryMetrics,
  noopMetrics,
  type Counter,
  type Histogram,
  type Labels,
  type MemoryMetrics,
  type Metrics,
  type SeriesSnapshot,
  type SyncInstruments,
} from "./metrics.js";
export {
  approveRequest,
  autoApprove,
  grantRequest,
  manualApproval,
  rejectRequest,
  type ApprovalDecision,
  type ApprovalPolicy,
  type AutoApproveOptions,
} from "./approval.js";
export type { BootstrapOptions, BootstrapResult, SyncOptions, SyncReport } from "./client/flows.js";
export type { AccessRequest } from "./client/bootstrap.js";
export { MAX_PAGES } from "./client/pull.js";
export { MAX_OUTSTANDING_CHALLENGES, MAX_SPENT_NONCES } from "./server/nonces.js";
export { MAX_COUNTED_SENDERS, type PenaltyOptions } from "./server/penalties.js";
export {
  AbortedError,
  AllAddressesFailedError,
  AuthFailedError,
  AuthRequiredError,
  BannedError,
  BootstrapPendingError,
  ClockSkewError,
  EntriesRejectedError,
  NoAddressError,
  NoTransportError,
  ProtocolMismatchError,
  RemoteError,
  ReplayError,
  SyncProtocolError,
  WaitTimeoutError,
  errorFromResponse,
  responseFromError,
} from "./errors.js";
