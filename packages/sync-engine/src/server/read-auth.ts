/**
 * Signed reads (spec 5.5, 4.7 b): the `auth` block of a SyncTree request proves a key when its
 * signature verifies over this server's key, the database, the tips, a timestamp within
 * ±60 s and a nonce used once (see {@link NonceBook}). These checks come before any look at
 * the database, so their answers say nothing about it.
 */
import { LIMITS, type PublicKeyText } from "@eidetica/core";
import { checkSyncRequestAuth, type RequestContext, type SyncTreeRequest } from "@eidetica/protocol";
import { AuthFailedError, ClockSkewError, RemoteError, ReplayError } from "../errors.js";
import type { ServerContext } from "./context.js";
import { subjectOf } from "./penalties.js";

/**
 * The key a SyncTree request's signature proves, or undefined when it is not signed.
 * @throws {ClockSkewError} if the timestamp is outside the window (the message gives the server's time).
 * @throws {AuthFailedError} if the signature does not verify for this server, database and tips (counted as invalid).
 * @throws {ReplayError} if the nonce was used before (counted as invalid).
 * @throws {RemoteError} `retry_later` for a client nonce in the first window after a restart.
 */
export async function provenSigner(context: ServerContext, request: SyncTreeRequest, transport: RequestContext): Promise<PublicKeyText | undefined> {
  const auth = request.auth;
  if (auth === null) return undefined;
  const now = context.clock.nowMillis();
  const problem = checkSyncRequestAuth(auth, context.instance.id, request.treeId, request.ourTips, now);
  if (problem === "clock_skew") {
    throw new ClockSkewError(
      `request timestamp ${auth.timestampMs} is ${auth.timestampMs - now} ms from server time ${now} (${new Date(now).toISOString()}); at most ±${LIMITS.requestFreshnessMs} ms is accepted`,
    );
  }
  if (problem === "bad_signature") {
    // Counted against the sender, not the key the signature names: a forgery proves nothing.
    await context.penalties.invalid(subjectOf(transport), "bad request signature");
    throw new AuthFailedError("the request signature does not verify for this server, database and tips");
  }
  switch (context.nonces.consume(auth.key, auth.nonce, auth.timestampMs, now)) {
    case "ok":
      return auth.key;
    case "replay":
      await context.penalties.invalid(subjectOf(transport), "replayed request");
      throw new ReplayError("this signed request was already used");
    case "too_early":
      throw new RemoteError(
        `a request signed with the client's own nonce must be timestamped after ${context.nonces.startedAt + LIMITS.requestFreshnessMs} (this server restarted); sign a handshake challenge instead, or retry`,
        "retry_later",
      );
    case "full":
      throw new RemoteError("too many signed requests at once; retry", "retry_later");
  }
}
