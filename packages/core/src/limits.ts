/**
 * Limits enforced on untrusted input (DESIGN section 5). Each is checked before any hashing,
 * crypto or storage work, and exceeding one throws a {@link LimitExceededError}.
 */
export const LIMITS = Object.freeze({
  /** Largest request or response body, in bytes (4 MiB). */
  messageBytes: 4 * 1024 * 1024,
  /** Largest encoded entry (canonical DAG-CBOR), in bytes (1 MiB). */
  entryBytes: 1024 * 1024,
  /** Most entries in one message. */
  entriesPerMessage: 10_000,
  /** Most tips in one request. */
  tipsPerRequest: 1024,
  /** Most parents of one entry, in the main DAG and in each store. */
  parentsPerEntry: 64,
  /** Most steps in an entry's delegation path (Rust `MAX_DELEGATION_STEPS`). */
  delegationSteps: 10,
  /** Most tips in one delegation step (Rust `MAX_DELEGATION_TIPS`). */
  delegationTips: 64,
  /** Deepest nesting of JSON arrays and objects. */
  jsonDepth: 64,
  /** Largest clock difference accepted on a signed request, in milliseconds. */
  requestFreshnessMs: 60_000,
  /** Most entries held in quarantine for one peer. */
  quarantineEntriesPerPeer: 10_000,
  /** Most bytes held in quarantine for one peer (64 MiB). */
  quarantineBytesPerPeer: 64 * 1024 * 1024,
  /** Longest time an entry waits in quarantine, in milliseconds (1 hour). */
  quarantineTtlMs: 60 * 60 * 1000,
});

/** The type of {@link LIMITS}. */
export type Limits = typeof LIMITS;

/** Names of the limits in {@link LIMITS}. */
export type LimitName = keyof Limits;
