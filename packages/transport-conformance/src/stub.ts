/** The stub {@link SyncHandler} the suite serves: records every call, answers deterministically. */
import { write } from "@eidetica/core";
import {
  answerChallenge,
  syncHandler,
  type RequestContext,
  type SyncHandler,
  type SyncRequest,
  type SyncResponse,
} from "@eidetica/protocol";
import { FIXTURE_TIME_MS, conformanceFixtures } from "./fixtures.js";

/** Computes the stub's answer to one request. */
export type Responder = (request: SyncRequest, context: RequestContext) => SyncResponse | Promise<SyncResponse>;

/** One request the stub received, with what the transport told it. */
export interface StubCall {
  /** The request as the handler received it (decoded by the transport). */
  readonly request: SyncRequest;
  /** The context the transport passed. */
  readonly context: RequestContext;
}

/** The `requestingKeyName` that makes the stub hold a `SyncTree` request until released. */
export const HANG = "conformance:hang";

/** A `SyncTree` request the stub never answers until {@link StubHandler.release}. */
export function hangingRequest(): SyncRequest {
  const { syncTree } = conformanceFixtures().syncTree;
  return { kind: "SyncTree", syncTree: { ...syncTree, requestingKeyName: HANG, auth: null } };
}

/**
 * The stub's standard answers: a `Handshake` with the challenge really signed, a `Bootstrap`
 * for a `SyncTree` without tips or an `Incremental` with tips, and `Ack` for `SendEntries`.
 */
export function standardResponse(request: SyncRequest): SyncResponse {
  const { key, root, children } = conformanceFixtures();
  switch (request.kind) {
    case "Handshake":
      return {
        kind: "Handshake",
        handshake: {
          deviceId: key.publicKey,
          publicKey: key.publicKey,
          displayName: null,
          protocolVersion: 0,
          challengeResponse: answerChallenge(key, request.handshake.challenge),
          newChallenge: new Uint8Array(32).fill(42),
          availableTrees: [{ treeId: root.id, name: "conformance", entryCount: 4, lastModified: FIXTURE_TIME_MS }],
        },
      };
    case "SyncTree":
      return request.syncTree.ourTips.length === 0
        ? {
            kind: "Bootstrap",
            bootstrap: { treeId: root.id, rootEntry: root, allEntries: children, keyApproved: true, grantedPermission: write(5) },
          }
        : {
            kind: "Incremental",
            incremental: { treeId: request.syncTree.treeId, theirTips: [root.id], missingEntries: children },
          };
    case "SendEntries":
      return { kind: "Ack" };
  }
}

/**
 * A handler for the suite: records each call, answers with a {@link Responder} (default
 * {@link standardResponse}), and holds `SyncTree` requests named {@link HANG} until released.
 * Errors thrown by the responder go through `syncHandler`, which answers `Error`.
 */
export class StubHandler {
  /** Every request received, in arrival order. */
  readonly calls: StubCall[] = [];
  /** Unexpected errors the responder threw (passed to `syncHandler`'s `onError`). */
  readonly errors: unknown[] = [];
  /** The branded handler to pass to `startServer`. */
  readonly handler: SyncHandler;
  readonly #held: Array<() => void> = [];
  #released = false;
  #onHold: (() => void) | undefined;
  readonly #holding: Promise<void>;

  /** A stub answering with `respond`. */
  constructor(respond: Responder = standardResponse) {
    this.#holding = new Promise((resolve) => (this.#onHold = resolve));
    this.handler = syncHandler(
      async (request, context) => {
        this.calls.push({ request, context });
        if (request.kind === "SyncTree" && request.syncTree.requestingKeyName === HANG) await this.#hold();
        return respond(request, context);
      },
      (error) => this.errors.push(error),
    );
  }

  /** Resolves when the first held request has reached the handler. */
  holding(): Promise<void> {
    return this.#holding;
  }

  /** Lets every held request (and any later one) answer. */
  release(): void {
    this.#released = true;
    for (const resume of this.#held.splice(0)) resume();
  }

  #hold(): Promise<void> {
    this.#onHold?.();
    if (this.#released) return Promise.resolve();
    return new Promise((resolve) => this.#held.push(resolve));
  }
}
