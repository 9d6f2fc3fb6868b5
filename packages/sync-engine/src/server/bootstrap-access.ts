/**
 * Who gets a bootstrap (spec 5.6, the credentials table), with this project's rules on top:
 * a requesting key counts only when proven (it signed the request, or the transport proved
 * it), a refusal reads as "not found" (reliability H6), and approval goes through the node's
 * {@link ApprovalPolicy} instead of always waiting.
 */
import { READ, docToJson, isEideticaError, permits, type AuthSettings, type Database, type Permission, type PublicKeyText } from "@eidetica/core";
import { wireError, type RequestContext, type SyncResponse, type SyncTreeRequest } from "@eidetica/protocol";
import { grantRequest } from "../approval.js";
import { notFoundText, readNeedsKey, type ServerContext } from "./context.js";

/** A bootstrap may go ahead, with what the requesting key was granted. */
export interface BootstrapGrant {
  readonly keyApproved: boolean;
  readonly grantedPermission: Permission | null;
}

/** True if one of `keys` may read under `auth`. */
export function anyReader(auth: AuthSettings, keys: ReadonlySet<PublicKeyText>): boolean {
  for (const key of keys) {
    const held = auth.permissionOf(key);
    if (held !== undefined && permits(held, READ)) return true;
  }
  return false;
}

/**
 * Decides a bootstrap request: the grant to serve it with, or the response to give instead
 * (`not_found`, also for a requesting key that did not sign the request, or `BootstrapPending`).
 */
export async function decideBootstrap(
  context: ServerContext,
  db: Database,
  request: SyncTreeRequest,
  proven: ReadonlySet<PublicKeyText>,
  transport: RequestContext,
): Promise<BootstrapGrant | SyncResponse> {
  const auth = await db.auth();
  const needsKey = readNeedsKey(auth);
  const key = request.requestingKey;
  const notFound = wireError("not_found", notFoundText(db.id));
  // Eidetica reads a requesting key without a name as no request at all.
  if (key === null || request.requestingKeyName === null) {
    return needsKey && !anyReader(auth, proven) ? notFound : { keyApproved: false, grantedPermission: null };
  }
  const keyProven = proven.has(key);
  const held = auth.permissionOf(key);
  const wanted = request.requestedPermission;
  if (wanted === null) {
    // Grant what the key holds already, if it may read.
    if ((needsKey && !keyProven) || held === undefined || !permits(held, READ)) return notFound;
    return { keyApproved: true, grantedPermission: held };
  }
  if ((keyProven || !needsKey) && held !== undefined && permits(held, wanted)) return { keyApproved: true, grantedPermission: wanted };
  // An unproven requesting key gets the same answer as a missing database (H6), and so does
  // a key whose request an Admin rejected: it is not asked again.
  if (!keyProven) return notFound;
  return context.approvals.run(`${db.id} ${key}`, () => requestAccess(context, db, request, key, wanted, transport));
}

/**
 * Stores (or finds) the access request and lets the approval policy decide it; under the
 * per-key lock, so two identical requests at once are one request, decided once.
 */
async function requestAccess(
  context: ServerContext,
  db: Database,
  request: SyncTreeRequest,
  key: PublicKeyText,
  wanted: Permission,
  transport: RequestContext,
): Promise<BootstrapGrant | SyncResponse> {
  const notFound = wireError("not_found", notFoundText(db.id));
  // A request decided while this one waited may have granted the key already.
  const held = (await db.auth()).permissionOf(key);
  if (held !== undefined && permits(held, wanted)) return { keyApproved: true, grantedPermission: wanted };
  if (context.store.requests.list({ state: "rejected", database: db.id }).some((r) => r.requestingKey === key)) return notFound;
  const stored = await context.store.requests.add({
    database: db.id,
    requestingKey: key,
    keyName: request.requestingKeyName ?? key,
    permission: wanted,
    peerKey: transport.peerKey ?? null,
    peerAddress: transport.remoteAddress ?? null,
    metadata: request.metadata === null ? null : (JSON.parse(docToJson(request.metadata)) as unknown),
  });
  const decision = await context.approval.decide(stored);
  const approver = context.approval.approverKey ?? context.instance.deviceKey;
  if (decision === "reject") {
    await context.store.requests.decide(stored.id, "rejected", approver.publicKey);
    return notFound;
  }
  if (decision === "approve") {
    try {
      await grantRequest(context.instance, stored, approver);
      await context.store.requests.decide(stored.id, "approved", approver.publicKey);
      return { keyApproved: true, grantedPermission: wanted };
    } catch (error) {
      // The approver cannot grant (not an Admin): the request waits for one who can.
      if (!isEideticaError(error)) throw error;
      context.logger.warn("automatic approval failed; the request waits for an Admin", { request: stored.id, error: error.message });
    }
  }
  return { kind: "BootstrapPending", requestId: stored.id, message: "Bootstrap request pending manual approval" };
}
