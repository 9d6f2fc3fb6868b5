/**
 * Bootstrap approval (spec 5.6): who may be granted access to a database when their key does
 * not hold the permission they ask for. The default is manual: requests wait, listed in the
 * peer store, until an Admin approves or rejects them. {@link autoApprove} grants requests
 * automatically, within limits you set.
 */
import { InvalidStateError, NotFoundError, UnauthorizedError, admin, permits, type Database, type ID, type Instance, type Permission, type SigningKey } from "@eidetica/core";
import type { BootstrapRequest, PeerStore } from "@eidetica/peer-store";

/** What a policy decides about a request. */
export type ApprovalDecision = "approve" | "reject" | "pending";

/** Decides bootstrap requests that the database's grants do not already cover. */
export interface ApprovalPolicy {
  /** The decision on a new request (it is stored first, so a crash leaves it pending). */
  decide(request: BootstrapRequest): ApprovalDecision | Promise<ApprovalDecision>;
  /** The Admin key that writes approved grants. Default: the device key. */
  readonly approverKey?: SigningKey;
}

/** Every request waits for an Admin (the default). */
export const manualApproval: ApprovalPolicy = Object.freeze({ decide: () => "pending" as const });

/** Options of {@link autoApprove}. */
export interface AutoApproveOptions {
  /** The Admin key that writes grants. Default: the device key. */
  readonly approverKey?: SigningKey;
  /** Approve only requests for at most this permission; stronger ones wait. Default: any. */
  readonly upTo?: Permission;
  /** Approve only for these databases; others wait. Default: all. */
  readonly databases?: readonly ID[];
}

/**
 * Approves requests automatically, an explicit choice: within `upTo` and `databases`; anything
 * else waits for an Admin.
 *
 * @example
 * ```ts
 * const sync = await Sync.create(instance, { approval: autoApprove({ upTo: write(10) }) });
 * ```
 */
export function autoApprove(options: AutoApproveOptions = {}): ApprovalPolicy {
  return {
    ...(options.approverKey === undefined ? {} : { approverKey: options.approverKey }),
    decide(request) {
      if (options.databases !== undefined && !options.databases.includes(request.database)) return "pending";
      if (options.upTo !== undefined && !permits(options.upTo, request.permission)) return "pending";
      return "approve";
    },
  };
}

/** The weakest Admin permission: holding it means holding Admin at any priority. */
const ANY_ADMIN = admin(0xffffffff);

/**
 * Grants the request's key its permission in the database, signed by `approver`.
 * @throws {UnauthorizedError} if `approver` is not an Admin of the database.
 */
export async function grantRequest(instance: Instance, request: BootstrapRequest, approver: SigningKey): Promise<Database> {
  const db = await instance.openDatabase(request.database, { signingKey: approver });
  if (!(await db.canAccess(approver.publicKey, ANY_ADMIN))) {
    throw new UnauthorizedError(`key ${approver.publicKey} is not an Admin of database ${request.database}`);
  }
  await db.withTransaction(async (txn) => {
    (await txn.settings()).setAuthKey(request.requestingKey, { name: request.keyName, permission: request.permission, status: "Active" });
  });
  return db;
}

/**
 * Approves a pending request: grants the key (signed by `approver`, an Admin of the database)
 * and marks the request approved by `approver`. The client's next bootstrap then succeeds.
 * @throws {NotFoundError} if there is no such request.
 * @throws {InvalidStateError} if it is not pending.
 * @throws {UnauthorizedError} if `approver` is not an Admin of the database.
 */
export async function approveRequest(instance: Instance, store: PeerStore, id: string, approver: SigningKey): Promise<BootstrapRequest> {
  const request = pendingRequest(store, id);
  await grantRequest(instance, request, approver);
  return store.requests.decide(id, "approved", approver.publicKey);
}

/**
 * Rejects a pending request; the key is not granted anything.
 * @throws {NotFoundError} if there is no such request.
 * @throws {InvalidStateError} if it is not pending.
 * @throws {UnauthorizedError} if `approver` is not an Admin of the database.
 */
export async function rejectRequest(instance: Instance, store: PeerStore, id: string, approver: SigningKey): Promise<BootstrapRequest> {
  const request = pendingRequest(store, id);
  const db = await instance.openDatabase(request.database);
  if (!(await db.canAccess(approver.publicKey, ANY_ADMIN))) {
    throw new UnauthorizedError(`key ${approver.publicKey} is not an Admin of database ${request.database}`);
  }
  return store.requests.decide(id, "rejected", approver.publicKey);
}

function pendingRequest(store: PeerStore, id: string): BootstrapRequest {
  const request = store.requests.get(id);
  if (request === undefined) throw new NotFoundError(`no bootstrap request ${id}`);
  if (request.status.state !== "pending") throw new InvalidStateError(`bootstrap request ${id} is already ${request.status.state}`);
  return request;
}
