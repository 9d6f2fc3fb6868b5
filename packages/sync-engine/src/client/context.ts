/** What the client flows share, and the one way they send a request. */
import type { Clock, Doc, EideticaError, ID, Instance, Permission, PublicKeyText, Random, SigningKey } from "@eidetica/core";
import type { PeerStore } from "@eidetica/peer-store";
import { requestSigningBytes, type Address, type SyncRequest, type SyncRequestAuth, type SyncResponse } from "@eidetica/protocol";
import { errorFromResponse } from "../errors.js";
import type { SyncEvents } from "../events.js";
import type { CursorBook } from "../cursors.js";
import type { Logger } from "../logger.js";
import type { SyncInstruments } from "../metrics.js";
import type { TransportManager } from "../transports.js";

/** @internal The client's view of its node. */
export interface ClientContext {
  readonly instance: Instance;
  readonly store: PeerStore;
  /** What each peer is known to hold (in memory, written behind). */
  readonly cursors: CursorBook;
  readonly metrics: SyncInstruments;
  readonly transports: TransportManager;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly events: SyncEvents;
  /** Time allowed for each request. */
  readonly requestTimeoutMs: number;
  /** The name this node gives in handshakes. */
  readonly displayName: string;
  /** Where this node's servers listen now (sent in handshakes). */
  readonly listenAddresses: () => Address[];
}

/** Options every client call takes. */
export interface CallOptions {
  /** Aborts the call: the request in flight fails with a `TransportError` (`aborted`). */
  readonly signal?: AbortSignal;
}

/**
 * Sends a request and returns the response, unless it is `Error`, which is thrown as the typed
 * error it stands for.
 */
export async function send(context: ClientContext, address: Address, request: SyncRequest, options: CallOptions = {}): Promise<SyncResponse> {
  const started = context.clock.nowMillis();
  let response: SyncResponse;
  try {
    response = await context.transports.send(address, request, {
      timeoutMs: context.requestTimeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    context.metrics.requests.inc(1, { kind: request.kind, outcome: "failed" });
    throw error;
  }
  context.metrics.requestLatency.observe(context.clock.nowMillis() - started, { kind: request.kind });
  context.metrics.requests.inc(1, { kind: request.kind, outcome: response.kind === "Error" ? "refused" : "ok" });
  if (response.kind === "Error") throw errorFromResponse(response.message) as EideticaError;
  return response;
}

/** Signs a SyncTree request for `server` with `key`, over the server's challenge as the nonce. */
export function signRequest(context: ClientContext, key: SigningKey, server: PublicKeyText, db: ID, tips: readonly ID[], challenge: Uint8Array): SyncRequestAuth {
  const now = context.clock.nowMillis();
  return { key: key.publicKey, timestampMs: now, nonce: challenge, signature: key.sign(requestSigningBytes(server, db, tips, now, challenge)) };
}

/** What a SyncTree request asks for besides entries: access for a key (a bootstrap). */
export interface AccessFields {
  readonly requestingKey: PublicKeyText | null;
  readonly requestingKeyName: string | null;
  readonly requestedPermission: Permission | null;
  readonly metadata: Doc | null;
}

const NO_ACCESS: AccessFields = { requestingKey: null, requestingKeyName: null, requestedPermission: null, metadata: null };

/** A SyncTree request for `db` from this node, signed by `signer` over `connection`'s challenge. */
export function syncTreeRequest(
  context: ClientContext,
  connection: { readonly peer: PublicKeyText; readonly challenge: Uint8Array },
  db: ID,
  tips: readonly ID[],
  signer: SigningKey,
  access: AccessFields = NO_ACCESS,
): SyncRequest {
  const auth = signRequest(context, signer, connection.peer, db, tips, connection.challenge);
  return { kind: "SyncTree", syncTree: { treeId: db, ourTips: tips, peerPubkey: context.instance.id, ...access, auth } };
}
