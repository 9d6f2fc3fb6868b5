/**
 * Per-database state an {@link Instance} shares between every handle on the same database:
 * the write lock, the state cache and the write callbacks.
 */
import type { ID } from "../id/id.js";
import { Mutex } from "../util/mutex.js";
import type { StateCache } from "./state.js";

/** Where newly visible entries came from. */
export type WriteSource = "local" | "remote";

/** Newly visible entries of one database, parents first. */
export interface WriteEvent {
  readonly database: ID;
  readonly ids: readonly ID[];
  readonly source: WriteSource;
  /** The peer that sent remote entries. */
  readonly peer?: string;
}

/** A write callback; a returned promise is awaited before the next callback runs. */
export type WriteCallback = (event: WriteEvent) => void | Promise<void>;

/** @internal Shared state of one database inside an instance. */
export interface TreeState {
  readonly id: ID;
  readonly lock: Mutex;
  readonly states: StateCache;
  readonly callbacks: Set<WriteCallback>;
}

/** @internal */
export function newTreeState(id: ID, states: StateCache): TreeState {
  return { id, lock: new Mutex(), states, callbacks: new Set() };
}
