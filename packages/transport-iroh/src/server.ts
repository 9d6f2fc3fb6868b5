/**
 * The serving side of {@link IrohTransport}: each accepted connection's bidirectional streams,
 * one request each, read to EOF (at most 1 MiB, within the stream timeout), handled, and
 * answered on the same stream, which is then finished. At most `maxStreamsPerPeer` streams of
 * one peer run at once; more are reset. Nothing is left unanswered: an undecodable request or
 * one over the limit gets an `Error`, a slow one a reset.
 */
import { formatPublicKey, type PublicKeyText } from "@eidetica/core";
import { answerRequest, errorBytes, reportInvalid, type RequestContext, type SyncHandler } from "@eidetica/protocol";
import type { BiStream, Connection } from "@number0/iroh";
import { fromWire, toWire } from "./binding.js";

/** The transport kind and address type of iroh. */
export const IROH_KIND = "iroh";
/** Eidetica v0's cap on one iroh message, kept for Rust peers. */
export const IROH_MESSAGE_BYTES = 1024 * 1024;
/** Stream reset codes: the peer had too many streams open; the request took too long. */
export const RESET_TOO_MANY_STREAMS = 1n;
export const RESET_TIMEOUT = 2n;

/** Limits of the serving side. */
export interface IrohServerLimits {
  /** Streams of one peer handled at once; more are reset. Default 32. */
  readonly maxStreamsPerPeer?: number;
  /** Time to read a whole request from its stream, in milliseconds. Default 30,000. */
  readonly streamTimeoutMs?: number;
}

/** @internal What the serving side counts. */
export interface ServingStats {
  streams: number;
  refusedStreams: number;
  timedOut: number;
}

/** @internal Serves one handler over accepted connections. */
export class IrohServing {
  readonly #handler: SyncHandler;
  readonly #limits: IrohServerLimits;
  readonly #onHandlerError: (error: unknown) => void;
  readonly #open = new Map<PublicKeyText, number>();
  readonly #connections = new Set<Connection>();
  readonly stats: ServingStats = { streams: 0, refusedStreams: 0, timedOut: 0 };

  constructor(handler: SyncHandler, limits: IrohServerLimits, onHandlerError: (error: unknown) => void) {
    this.#handler = handler;
    this.#limits = limits;
    this.#onHandlerError = onHandlerError;
  }

  /** Serves a connection's streams until it closes. */
  async serve(connection: Connection): Promise<void> {
    const idBytes = Uint8Array.from(connection.remoteId().toBytes());
    const peer = formatPublicKey(idBytes);
    const context: RequestContext = {
      transportType: IROH_KIND,
      remoteAddress: { transportType: IROH_KIND, address: connection.remoteId().toString() },
      peerKey: peer,
      // Eidetica v0 nodes keep their iroh key apart from their device key.
      endpointKey: true,
      maxMessageBytes: IROH_MESSAGE_BYTES,
    };
    this.#connections.add(connection);
    try {
      for (;;) {
        let stream: BiStream;
        try {
          stream = await connection.acceptBi();
        } catch {
          return; // the connection closed
        }
        const open = this.#open.get(peer) ?? 0;
        if (open >= (this.#limits.maxStreamsPerPeer ?? 32)) {
          this.stats.refusedStreams++;
          void stream.send.reset(RESET_TOO_MANY_STREAMS).catch(() => undefined);
          void stream.recv.stop(RESET_TOO_MANY_STREAMS).catch(() => undefined);
          continue;
        }
        this.#open.set(peer, open + 1);
        this.stats.streams++;
        void this.#answer(stream, context).finally(() => {
          const left = (this.#open.get(peer) ?? 1) - 1;
          if (left === 0) this.#open.delete(peer);
          else this.#open.set(peer, left);
        });
      }
    } finally {
      this.#connections.delete(connection);
    }
  }

  /** Closes every connection being served. */
  closeAll(): void {
    for (const connection of this.#connections) connection.close(0n, []);
    this.#connections.clear();
  }

  async #answer(stream: BiStream, context: RequestContext): Promise<void> {
    let bytes: Uint8Array;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const read = stream.recv.readToEnd(IROH_MESSAGE_BYTES);
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), this.#limits.streamTimeoutMs ?? 30_000)));
      const outcome = await Promise.race([read, late]);
      if (outcome === "late") {
        this.stats.timedOut++;
        read.catch(() => undefined);
        // The pending read holds the receive side (the binding serializes calls on a stream):
        // reset the send side, which the peer sees at once, and ask the receive side to stop
        // without waiting for it.
        await stream.send.reset(RESET_TIMEOUT).catch(() => undefined);
        void stream.recv.stop(RESET_TIMEOUT).catch(() => undefined);
        return;
      }
      bytes = fromWire(outcome);
    } catch (error) {
      // Over the limit (or the stream broke): answer with a typed error if the peer still listens.
      await reportInvalid(this.#handler, error, context, this.#onHandlerError);
      await stream.recv.stop(0n).catch(() => undefined);
      await this.#send(stream, errorBytes("limit_exceeded", `a request above ${IROH_MESSAGE_BYTES} bytes, or a stream that broke`));
      return;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    const answer = await answerRequest(this.#handler, bytes, context, { maxBytes: IROH_MESSAGE_BYTES, onHandlerError: this.#onHandlerError });
    await this.#send(stream, answer.bytes);
  }

  async #send(stream: BiStream, bytes: Uint8Array): Promise<void> {
    try {
      await stream.send.writeAll(toWire(bytes));
      await stream.send.finish();
    } catch {
      // The peer went away or reset the stream: nobody is left to answer.
    }
  }
}
