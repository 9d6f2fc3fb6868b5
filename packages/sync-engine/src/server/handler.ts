/**
 * {@link SyncServer}: the `SyncHandler` a node serves on every transport. It refuses banned
 * senders before any work, routes each request, turns every failure into an `Error` response
 * with a stable code, and counts invalid requests against their sender.
 */
import { isEideticaError } from "@eidetica/core";
import { HANDLER_BRAND, wireError, type RequestContext, type SyncHandler, type SyncRequest, type SyncResponse } from "@eidetica/protocol";
import { responseFromError } from "../errors.js";
import type { ServerContext } from "./context.js";
import { handleHandshake } from "./handshake.js";
import { subjectOf } from "./penalties.js";
import { handleSendEntries } from "./send-entries.js";
import { handleSyncTree } from "./sync-tree.js";

/** Requests answered, by kind and outcome. */
export interface ServerStats {
  readonly handshakes: number;
  readonly syncTrees: number;
  readonly pushes: number;
  /** Requests answered with `Error` (any code). */
  readonly errors: number;
  /** Requests refused because their sender is banned. */
  readonly refusedBanned: number;
  /** Requests that could not be decoded (reported by the transport). */
  readonly undecodable: number;
  /** Failures that were not `EideticaError`s: bugs, logged with their stack. */
  readonly internalErrors: number;
  /** Invalid requests counted against their senders (reliability R6). */
  readonly invalidRequests: number;
  /** Bans imposed for invalid requests. */
  readonly bansImposed: number;
}

/**
 * Answers sync requests for one node. Make one with `Sync.create`; it is `sync.handler`.
 */
export class SyncServer implements SyncHandler {
  readonly [HANDLER_BRAND] = true as const;
  readonly #context: ServerContext;
  readonly #stats = { handshakes: 0, syncTrees: 0, pushes: 0, errors: 0, refusedBanned: 0, undecodable: 0, internalErrors: 0 };

  /** @internal */
  constructor(context: ServerContext) {
    this.#context = context;
  }

  /** Counters of what this handler answered. */
  stats(): ServerStats {
    const { invalidRequests, bansImposed } = this.#context.penalties;
    return { ...this.#stats, invalidRequests, bansImposed };
  }

  /** Answers one request; never throws. */
  async handle(request: SyncRequest, transport: RequestContext): Promise<SyncResponse> {
    const response = await this.#answer(request, transport);
    if (response.kind === "Error") this.#stats.errors++;
    return response;
  }

  /** Counts an undecodable request against its sender (and slows it down). */
  async invalidRequest(error: unknown, transport: RequestContext): Promise<void> {
    this.#stats.undecodable++;
    const subject = subjectOf(transport);
    // A banned sender is not slowed down or counted again: its ban runs its course.
    if (this.#context.penalties.banned(subject) !== undefined) {
      this.#stats.refusedBanned++;
      return;
    }
    try {
      await this.#context.penalties.invalid(subject, `undecodable request: ${isEideticaError(error) ? error.code : "unknown"}`);
    } catch (failure) {
      this.#context.logger.error("could not record an invalid request", { error: failure });
    }
  }

  async #answer(request: SyncRequest, transport: RequestContext): Promise<SyncResponse> {
    const ban = this.#context.penalties.banned(subjectOf(transport));
    if (ban !== undefined) {
      this.#stats.refusedBanned++;
      return wireError("banned", `too many invalid requests; banned until ${new Date(ban.until).toISOString()}`);
    }
    try {
      switch (request.kind) {
        case "Handshake":
          this.#stats.handshakes++;
          return await handleHandshake(this.#context, request.handshake, transport);
        case "SyncTree":
          this.#stats.syncTrees++;
          return await handleSyncTree(this.#context, request.syncTree, transport);
        case "SendEntries":
          this.#stats.pushes++;
          return await handleSendEntries(this.#context, request.entries, transport);
      }
    } catch (error) {
      const response = responseFromError(error);
      // Anything the peer only sees as `internal` (a bug, a storage failure) is logged here.
      if (response.kind === "Error" && response.message.startsWith("internal:")) {
        this.#stats.internalErrors++;
        this.#context.logger.error(`failed to answer a ${request.kind} request`, { error });
      }
      return response;
    }
  }
}
