/**
 * A malicious sync server for the client-side adversarial tests: a `MockTransport` serving a
 * hand-written `SyncHandler` that answers handshakes correctly (it signs the client's
 * challenge with its own key and issues a fresh challenge, so the client accepts it as a
 * proven peer) and answers every `SyncTree` with whatever the test scripts: forged
 * `Bootstrap` and `Incremental` pages, or any other response.
 */
import { seededRandom, type Entry, type ID, type SigningKey } from "@eidetica/core";
import {
  PROTOCOL_VERSION,
  answerChallenge,
  newChallenge,
  syncHandler,
  wireError,
  type Address,
  type SyncRequest,
  type SyncResponse,
  type SyncTreeRequest,
} from "@eidetica/protocol";
import { MockTransport, type SimNetwork } from "@eidetica/transport-mock";

/** Answers the `n`-th SyncTree request (0-based) the malicious server receives since the script was set. */
export type SyncTreeScript = (request: SyncTreeRequest, n: number) => SyncResponse | Promise<SyncResponse>;

/** A malicious server on a network. */
export interface MaliciousServer {
  readonly transport: MockTransport;
  readonly address: Address;
  readonly key: SigningKey;
  /** Every request it received, in order. */
  readonly requests: SyncRequest[];
  /** The SyncTree requests it received, in order. */
  readonly syncTrees: SyncTreeRequest[];
  /** Replaces the script (for a second scenario on the same server); its count starts again at 0. */
  script(next: SyncTreeScript): void;
}

/** Starts a malicious server named `name` proving `key`, answering SyncTree requests with `script`. */
export async function maliciousServer(network: SimNetwork, name: string, key: SigningKey, script: SyncTreeScript, seed = 99): Promise<MaliciousServer> {
  const random = seededRandom(seed);
  const requests: SyncRequest[] = [];
  const syncTrees: SyncTreeRequest[] = [];
  let current = script;
  let base = 0;
  const transport = new MockTransport(network, { name, peerKey: key.publicKey, onHandlerError: () => undefined });
  await transport.startServer(
    syncHandler(async (request) => {
      requests.push(request);
      switch (request.kind) {
        case "Handshake":
          return {
            kind: "Handshake",
            handshake: {
              deviceId: key.publicKey,
              publicKey: key.publicKey,
              displayName: `evil ${name}`,
              protocolVersion: PROTOCOL_VERSION,
              challengeResponse: answerChallenge(key, request.handshake.challenge),
              newChallenge: newChallenge(random),
              availableTrees: [],
            },
          };
        case "SyncTree": {
          const n = syncTrees.length - base;
          syncTrees.push(request.syncTree);
          return current(request.syncTree, n);
        }
        case "SendEntries":
          return request.entries.length <= 1 ? { kind: "Ack" } : { kind: "Count", count: request.entries.length };
      }
    }, () => undefined),
  );
  return {
    transport,
    address: transport.address,
    key,
    requests,
    syncTrees,
    script(next) {
      current = next;
      base = syncTrees.length;
    },
  };
}

/** A `Bootstrap` answer: the root in its own field, then a page. */
export function bootstrapAnswer(db: ID, rootEntry: Entry, allEntries: readonly Entry[], treeId: ID = db): SyncResponse {
  return { kind: "Bootstrap", bootstrap: { treeId, rootEntry, allEntries, keyApproved: false, grantedPermission: null } };
}

/** An `Incremental` answer: the server's (claimed) tips and a page. */
export function incrementalAnswer(db: ID, theirTips: readonly ID[], missingEntries: readonly Entry[]): SyncResponse {
  return { kind: "Incremental", incremental: { treeId: db, theirTips, missingEntries } };
}

/**
 * A script that answers the n-th SyncTree with `pages[n]`, and every later one with
 * `after` (default: an empty Incremental claiming `finalTips`).
 */
export function scripted(db: ID, finalTips: readonly ID[], pages: readonly SyncResponse[], after?: SyncResponse): SyncTreeScript {
  return (_request, n) => pages[n] ?? after ?? incrementalAnswer(db, finalTips, []);
}

/** A script that refuses everything as the honest handler would for an unknown database. */
export function notFoundScript(db: ID): SyncTreeScript {
  return () => wireError("not_found", `Tree not found: ${db}`);
}
