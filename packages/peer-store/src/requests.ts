/** {@link BootstrapRequests}: requests for access to a database, waiting for an Admin's decision. */
import {
  InvalidStateError,
  LimitExceededError,
  NotFoundError,
  permissionToWire,
  randomUuidV4,
  type Clock,
  type ID,
  type PublicKeyText,
  type Random,
} from "@eidetica/core";
import { rowKey } from "./keys.js";
import { put, type SyncTables } from "./tables.js";
import type { BootstrapRequest, BootstrapRequestStatus, NewBootstrapRequest } from "./types.js";

/** Most pending requests kept for one database; more are refused with `LIMIT_EXCEEDED`. */
export const MAX_PENDING_PER_DATABASE = 1_000;

const samePermission = (a: BootstrapRequest["permission"], b: BootstrapRequest["permission"]) =>
  JSON.stringify(permissionToWire(a)) === JSON.stringify(permissionToWire(b));

/**
 * Bootstrap requests (spec 5.6, manual approval). A request that repeats a pending one (same
 * database, key and permission) returns the pending one instead of adding a row.
 *
 * @example
 * ```ts
 * const request = await store.requests.add({ database, requestingKey, keyName: "laptop", permission: write(5), peerKey: null, peerAddress: null, metadata: null });
 * store.requests.list({ state: "pending" }); // [request]
 * await store.requests.decide(request.id, "approved", adminKey);
 * ```
 */
export class BootstrapRequests {
  readonly #tables: SyncTables;
  readonly #clock: Clock;
  readonly #random: Random;

  /** @internal */
  constructor(tables: SyncTables, clock: Clock, random: Random) {
    this.#tables = tables;
    this.#clock = clock;
    this.#random = random;
  }

  /** The request with this ID, if any. */
  get(id: string): BootstrapRequest | undefined {
    return this.#tables.get("bootstrap_requests", rowKey(id));
  }

  /** Requests, oldest first, optionally only in one state or for one database. */
  list(filter: { readonly state?: BootstrapRequestStatus["state"]; readonly database?: ID } = {}): BootstrapRequest[] {
    return [...this.#tables.rows("bootstrap_requests").values()]
      .filter((r) => (filter.state === undefined || r.status.state === filter.state) && (filter.database === undefined || r.database === filter.database))
      .sort((a, b) => a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : 1));
  }

  /**
   * Stores a pending request, or returns the pending one it repeats.
   * @throws {LimitExceededError} `pendingRequests` if the database has {@link MAX_PENDING_PER_DATABASE} pending.
   */
  async add(request: NewBootstrapRequest): Promise<BootstrapRequest> {
    return this.#tables.write(() => {
      const pending = this.list({ state: "pending", database: request.database });
      const repeated = pending.find((r) => r.requestingKey === request.requestingKey && samePermission(r.permission, request.permission));
      if (repeated !== undefined) return { writes: [], result: repeated };
      if (pending.length >= MAX_PENDING_PER_DATABASE) throw new LimitExceededError("pendingRequests", MAX_PENDING_PER_DATABASE, pending.length + 1);
      const stored: BootstrapRequest = { ...request, id: randomUuidV4(this.#random), requestedAt: this.#clock.nowMillis(), status: { state: "pending" } };
      const write = put("bootstrap_requests", rowKey(stored.id), stored);
      return { writes: [write], result: write.value };
    });
  }

  /**
   * Records the decision on a pending request.
   * @throws {NotFoundError} if there is no such request.
   * @throws {InvalidStateError} if it is not pending.
   */
  async decide(id: string, state: "approved" | "rejected", by: PublicKeyText): Promise<BootstrapRequest> {
    return this.#tables.write(() => {
      const request = this.get(id);
      if (request === undefined) throw new NotFoundError(`no bootstrap request ${id}`);
      if (request.status.state !== "pending") throw new InvalidStateError(`bootstrap request ${id} is already ${request.status.state}`);
      const write = put("bootstrap_requests", rowKey(id), { ...request, status: { state, by, at: this.#clock.nowMillis() } });
      return { writes: [write], result: write.value };
    });
  }
}
