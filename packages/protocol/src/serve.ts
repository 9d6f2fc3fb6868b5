/**
 * How a transport's server answers one request's bytes, the same on every transport: decode
 * (an undecodable request is told to the handler's `invalidRequest` and answered
 * `bad_request`), handle (a handler that throws or returns no `SyncResponse` is reported and
 * answered `internal`), encode, and keep the answer under the transport's limit.
 */
import { InvalidStateError, LIMITS, isEideticaError, utf8 } from "@eidetica/core";
import { decodeRequest } from "./codec-request.js";
import { encodeResponse } from "./codec-response.js";
import type { SyncRequest } from "./messages.js";
import type { RequestContext, SyncHandler } from "./transport.js";
import { wireError, type WireErrorCode } from "./wire-error.js";

/** What {@link answerRequest} made of a request. */
export interface Answer {
  /** The response's kind (`Error` for every refusal). */
  readonly kind: string;
  /** The encoded response. */
  readonly bytes: Uint8Array;
  /** Set when the request could not be decoded: the decoder's error (for an HTTP status, say). */
  readonly invalid?: unknown;
}

/** Options of {@link answerRequest}. */
export interface AnswerOptions {
  /** The largest response the transport carries; a larger one becomes `limit_exceeded`. Default 4 MiB. */
  readonly maxBytes?: number;
  /** Called with a handler that broke its contract, or a hook that threw. */
  readonly onHandlerError: (error: unknown) => void;
}

/** An encoded `Error` response, `<code>: <message>`. */
export function errorBytes(code: WireErrorCode, message: string): Uint8Array {
  return utf8(encodeResponse(wireError(code, message)));
}

/**
 * Tells `handler` of an invalid request (so it can count it against the sender); a hook that
 * throws is passed to `onHandlerError`, never raised.
 */
export async function reportInvalid(handler: SyncHandler, error: unknown, context: RequestContext, onHandlerError: (error: unknown) => void): Promise<void> {
  try {
    await handler.invalidRequest?.(error, context);
  } catch (hookError) {
    onHandlerError(hookError);
  }
}

/**
 * Decodes `bytes`, lets `handler` answer, and encodes the answer. Never rejects.
 *
 * @example
 * ```ts
 * const answer = await answerRequest(handler, bytes, context, { onHandlerError: console.warn });
 * socket.write(answer.bytes);
 * ```
 */
export async function answerRequest(handler: SyncHandler, bytes: Uint8Array, context: RequestContext, options: AnswerOptions): Promise<Answer> {
  let request: SyncRequest;
  try {
    request = decodeRequest(bytes);
  } catch (error) {
    await reportInvalid(handler, error, context, options.onHandlerError);
    return { kind: "Error", bytes: errorBytes("bad_request", `invalid request: ${isEideticaError(error) ? error.message : "malformed message"}`), invalid: error };
  }
  let kind: string;
  let encoded: Uint8Array;
  try {
    const response = await handler.handle(request, context);
    const text: unknown = encodeResponse(response);
    if (typeof text !== "string") throw new InvalidStateError("the handler returned something that is not a SyncResponse");
    kind = response.kind;
    encoded = utf8(text);
  } catch (error) {
    options.onHandlerError(error);
    return { kind: "Error", bytes: errorBytes("internal", "internal error") };
  }
  const max = options.maxBytes ?? LIMITS.messageBytes;
  if (encoded.length > max) return { kind: "Error", bytes: errorBytes("limit_exceeded", `the response would be above ${max} bytes`) };
  return { kind, bytes: encoded };
}
