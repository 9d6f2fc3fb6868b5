/**
 * {@link eideticaSync}: the fastify plugin that serves a `SyncHandler` at `POST /api/v0`, the
 * way Eidetica v0 does: a JSON `SyncRequest` in, a JSON `SyncResponse` out with status 200
 * (handler errors travel as `{"Error": …}`). What is not a request at all is refused with an
 * HTTP status and an `Error` body: 400 malformed JSON, 422 JSON that is not a `SyncRequest`,
 * 413 over the 4 MiB limit (reading stops there), 415 another content type, 401 a request
 * proof that fails. Replies never carry a stack trace or a path.
 */
import type { IncomingMessage } from "node:http";
import { LIMITS, isEideticaError } from "@eidetica/core";
import { answerRequest, encodeResponse, reportInvalid, wireError, type RequestContext, type SyncHandler, type WireErrorCode } from "@eidetica/protocol";
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from "fastify";
import { RequestVerifier } from "./auth.js";
import { HTTP_KIND, socketAddress } from "./address.js";

/** Options of {@link eideticaSync}. */
export interface EideticaSyncPluginOptions {
  readonly handler: SyncHandler;
  /** Checks request proofs; one per server, so nonces are single-use across its routes. */
  readonly verifier: RequestVerifier;
  /** The route. Default `/api/v0`. */
  readonly path?: string;
  /** Called with a handler that broke its contract (threw, or returned no `SyncResponse`). Default `console.warn`. */
  readonly onHandlerError?: (error: unknown) => void;
}

/** An `Error` reply with an HTTP status. */
function refuse(reply: FastifyReply, status: number, code: WireErrorCode, message: string): FastifyReply {
  return reply.code(status).type("application/json").send(encodeResponse(wireError(code, message)));
}

function contextOf(raw: IncomingMessage, peerKey: RequestContext["peerKey"]): RequestContext {
  const remote = socketAddress(raw.socket.remoteAddress, raw.socket.remotePort);
  return { transportType: HTTP_KIND, remoteAddress: remote === undefined ? undefined : { transportType: HTTP_KIND, address: remote }, peerKey };
}

/** A decode failure's HTTP status: 400 not JSON, 413 over a limit, 422 not a request. */
function statusOf(error: unknown): number {
  const code = isEideticaError(error) ? error.code : "MALFORMED";
  if (code === "MALFORMED") return 400;
  if (code === "LIMIT_EXCEEDED") return 413;
  return 422;
}

/**
 * Serves `handler` at `POST /api/v0` (or `path`) of a fastify instance. Register it in its own
 * context, as below: its JSON parser replaces fastify's only inside it.
 *
 * @example
 * ```ts
 * const app = fastify();
 * await app.register(eideticaSync, { handler: sync.handler, verifier: new RequestVerifier(systemClock) });
 * await app.listen({ host: "127.0.0.1", port: 8080 });
 * ```
 */
export const eideticaSync: FastifyPluginAsync<EideticaSyncPluginOptions> = async (app: FastifyInstance, options) => {
  const onHandlerError = options.onHandlerError ?? ((error: unknown) => console.warn("eidetica: sync handler failed", error));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: LIMITS.messageBytes }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    // Fastify's own refusals (size, media type, unreadable body): the status, a typed body, no stack.
    const status = error.statusCode ?? 500;
    if (status === 413) return refuse(reply, 413, "limit_exceeded", `the request is above the limit of ${LIMITS.messageBytes} bytes`);
    if (status === 415) return refuse(reply, 415, "bad_request", "the content type must be application/json");
    if (status >= 400 && status < 500) return refuse(reply, status, "bad_request", "the request could not be read");
    onHandlerError(error);
    return refuse(reply, 500, "internal", "internal error");
  });

  app.post(options.path ?? "/api/v0", async (request, reply) => {
    const body = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === "string" ? value : undefined;
    };
    let peerKey: RequestContext["peerKey"];
    try {
      peerKey = options.verifier.verify(header, request.headers.host ?? "", bytes);
    } catch (error) {
      await reportInvalid(options.handler, error, contextOf(request.raw, undefined), onHandlerError);
      return refuse(reply, 401, "auth_failed", isEideticaError(error) ? error.message : "the request proof failed");
    }
    const answer = await answerRequest(options.handler, bytes, contextOf(request.raw, peerKey), { onHandlerError });
    const status = answer.invalid === undefined ? 200 : statusOf(answer.invalid);
    // Over a decoder limit: the same refusal as a body over the size limit.
    if (status === 413) return refuse(reply, 413, "limit_exceeded", `invalid request: ${(answer.invalid as Error).message}`);
    return reply.code(status).type("application/json").send(Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength));
  });
};
