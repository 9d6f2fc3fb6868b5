/**
 * The HTTP server of {@link HttpTransport}: a Node HTTP server hardened for peer traffic
 * (header, idle and total request timeouts, a cap on connections per remote address, keep-alive
 * between requests) running fastify with the {@link eideticaSync} plugin.
 */
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Clock } from "@eidetica/core";
import { encodeResponse, wireError, type SyncHandler } from "@eidetica/protocol";
import fastify, { type FastifyInstance } from "fastify";
import { RequestVerifier } from "./auth.js";
import { eideticaSync } from "./plugin.js";

/** Limits of the server side of {@link HttpTransport}. */
export interface HttpServerLimits {
  /** Time to receive a request's headers, in milliseconds; a slower client is cut off. Default 10,000. */
  readonly headerTimeoutMs?: number;
  /** How long a kept-alive connection may sit idle between requests, in milliseconds. Default 30,000. */
  readonly idleTimeoutMs?: number;
  /** Time to receive a whole request, in milliseconds. Default 120,000. */
  readonly requestTimeoutMs?: number;
  /** Open connections at most from one remote address; more are closed at once. Default 32. */
  readonly maxConnectionsPerAddress?: number;
}

/** @internal A running server: its fastify instance, the port it got, and how to stop it. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly host: string;
  readonly port: number;
  /** Connections refused because their address had too many. */
  readonly refused: () => number;
  close(): Promise<void>;
}

/** @internal Starts serving `handler` on `host:port` (port 0: any free port). */
export async function startHttpServer(
  handler: SyncHandler,
  where: { readonly host: string; readonly port: number },
  limits: HttpServerLimits,
  clock: Clock,
  onHandlerError: (error: unknown) => void,
): Promise<RunningServer> {
  const headerTimeoutMs = limits.headerTimeoutMs ?? 10_000;
  const perAddress = limits.maxConnectionsPerAddress ?? 32;
  const open = new Map<string, number>();
  let refused = 0;
  const serverFactory = (handle: Parameters<typeof createServer>[1]): Server => {
    const server = createServer(
      {
        headersTimeout: headerTimeoutMs,
        requestTimeout: limits.requestTimeoutMs ?? 120_000,
        keepAliveTimeout: limits.idleTimeoutMs ?? 30_000,
        // Node checks the header and request timeouts on this interval (30 s by default).
        connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headerTimeoutMs / 4))),
        maxHeaderSize: 16 * 1024,
      },
      handle,
    );
    // A request Node cannot parse (bad framing, a lying Content-Length), too slow, or with
    // oversized headers: a typed reply with the fitting status, then the connection closes.
    server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || socket.writableEnded) {
        socket.destroy();
        return;
      }
      const [status, text] =
        error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "Request Timeout"] : error.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large"] : [400, "Bad Request"];
      const body = encodeResponse(wireError("bad_request", status === 408 ? "the request took too long" : "the request could not be parsed"));
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
    server.on("connection", (socket: Socket) => {
      const from = socket.remoteAddress ?? "unknown";
      const count = (open.get(from) ?? 0) + 1;
      if (count > perAddress) {
        refused++;
        socket.destroy();
        return;
      }
      open.set(from, count);
      socket.once("close", () => {
        const left = (open.get(from) ?? 1) - 1;
        if (left === 0) open.delete(from);
        else open.set(from, left);
      });
    });
    return server;
  };
  const app = fastify({
    serverFactory,
    logger: false,
    forceCloseConnections: true,
    return503OnClosing: true,
    bodyLimit: 4 * 1024 * 1024,
    trustProxy: false,
  });
  // Anything but POST /api/v0: a typed 404 that names no route (fastify's default names it).
  app.setNotFoundHandler((_request, reply) => reply.code(404).type("application/json").send(encodeResponse(wireError("not_found", "no such endpoint"))));
  await app.register(eideticaSync, { handler, verifier: new RequestVerifier(clock), onHandlerError });
  await app.listen({ host: where.host, port: where.port });
  const bound = app.server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : where.port;
  return { app, host: where.host, port, refused: () => refused, close: () => app.close() };
}
