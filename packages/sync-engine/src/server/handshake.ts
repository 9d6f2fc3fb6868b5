/**
 * The handshake, server side (spec 5.3, made mutual). The server proves its key by signing
 * the client's challenge and issues a challenge of its own, which the client signs in its next
 * signed request. The client's claimed key counts as proven now only if the transport proved
 * it (`context.peerKey`); a claim the transport contradicts is `auth_failed` and nothing is
 * stored (reliability H5). An unproven claim is answered but not stored.
 */
import { PROTOCOL_VERSION, answerChallenge, wireError, type HandshakeRequest, type RequestContext, type SyncResponse } from "@eidetica/protocol";
import type { ServerContext } from "./context.js";
import { subjectOf } from "./penalties.js";

/** Answers a handshake. */
export async function handleHandshake(context: ServerContext, request: HandshakeRequest, transport: RequestContext): Promise<SyncResponse> {
  if (request.protocolVersion !== PROTOCOL_VERSION) {
    return wireError(
      "unsupported_protocol_version",
      `Protocol version mismatch: expected ${PROTOCOL_VERSION}, got ${request.protocolVersion} (supported: ${PROTOCOL_VERSION})`,
    );
  }
  const claimed = request.publicKey;
  // A transport proving an endpoint key (iroh) leaves a different device key unproven: the
  // handshake is answered but not recorded, so such a peer may read but not push.
  const contradicted = transport.peerKey !== undefined && transport.peerKey !== claimed && transport.endpointKey !== true;
  if (request.deviceId !== claimed || contradicted) {
    await context.penalties.invalid(subjectOf(transport), "handshake key contradicts the transport's proof");
    return wireError("auth_failed", "the handshake's key is not the key the transport authenticated");
  }
  const now = context.clock.nowMillis();
  const challengeResponse = answerChallenge(context.instance.deviceKey, request.challenge);
  const newChallenge = context.nonces.issue(now);
  if (transport.peerKey === claimed && claimed !== context.instance.id) {
    const addresses = [...request.listenAddresses, ...(transport.remoteAddress === undefined ? [] : [transport.remoteAddress])];
    await context.store.peers.register(claimed, { displayName: request.displayName, addresses });
    context.events.emit("peer:connect", { peer: claimed, address: transport.remoteAddress, role: "server" });
  }
  return {
    kind: "Handshake",
    handshake: {
      deviceId: context.instance.id,
      publicKey: context.instance.id,
      displayName: context.displayName,
      protocolVersion: PROTOCOL_VERSION,
      challengeResponse,
      newChallenge,
      availableTrees: await publicTrees(context),
    },
  };
}

/** The databases served to anyone (sync enabled, no key needed to read), with their entry counts. */
async function publicTrees(context: ServerContext) {
  const out = [];
  for (const { database, settings } of context.store.databases.list()) {
    if (!settings.syncEnabled || database === context.store.databaseId || context.instance.isIncomplete(database)) continue;
    if ((await context.instance.backend.getEntry(database))?.isRoot !== true) continue;
    const db = await context.instance.openDatabase(database);
    const auth = await db.auth();
    if (auth.hasAuth && !auth.isPublic) continue;
    out.push({ treeId: database, name: (await db.name()) ?? null, entryCount: await context.instance.backend.countEntries(database), lastModified: 0 });
  }
  return out;
}
