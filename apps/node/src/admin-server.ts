/**
 * The admin server of a running node, on loopback by default: `GET /health`, `GET /metrics`
 * (Prometheus text) and `POST /admin/<operation>`, the API the CLI uses while `eidetica serve`
 * holds the store. An admin call needs the bearer token of `node.json`; its reply is NDJSON:
 * zero or more `{"progress": …}` lines, then one `{"result": …}` or `{"error": {code, message}}`.
 */
import { timingSafeEqual } from "node:crypto";
import { PassThrough } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "@eidetica/sync-engine";
import { describeError } from "./errors.js";
import type { PrometheusMetrics } from "./metrics.js";
import type { EideticaNode } from "./node.js";
import { isOperationName, runOperation } from "./operations.js";
import { splitHostPort } from "./ports.js";

/** What the admin server serves. */
export interface AdminServerOptions {
  readonly node: EideticaNode;
  readonly metrics: PrometheusMetrics;
  readonly token: string;
  readonly logger: Logger;
  /** `host:port`; port 0 picks one. */
  readonly bind: string;
}

/** Starts the admin server; returns it and its URL. */
export async function startAdminServer(options: AdminServerOptions): Promise<{ server: FastifyInstance; url: string }> {
  const { node, metrics, logger } = options;
  // Shutdown closes every admin connection at once (a CLI waiting on a long `get --wait` sees the node go).
  const server = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const started = Date.now();
  const expected = Buffer.from(`Bearer ${options.token}`);
  const authorized = (header: string | undefined) => {
    const given = Buffer.from(header ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  server.get("/health", async () => ({
    status: "ok",
    id: node.instance.id,
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
    addresses: node.sync.serverAddresses(),
  }));

  server.get("/metrics", async (_request, reply) => {
    await metrics.refreshNodeGauges(node);
    return reply.type(metrics.contentType).send(await metrics.text());
  });

  server.post<{ Params: { op: string }; Body: unknown }>("/admin/:op", async (request, reply) => {
    if (!authorized(request.headers.authorization)) return reply.code(401).send({ error: { code: "UNAUTHORIZED", message: "a valid admin token is needed" } });
    const { op } = request.params;
    if (!isOperationName(op)) return reply.code(404).send({ error: { code: "NOT_FOUND", message: `no admin operation ${JSON.stringify(op)}` } });
    const args = typeof request.body === "object" && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const stream = new PassThrough();
    const abort = new AbortController();
    // The client going away (its connection closed before the reply ended) cancels the operation.
    reply.raw.on("close", () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    const line = (value: unknown) => stream.write(`${JSON.stringify(value)}\n`);
    void runOperation(op, { node, serving: true, signal: abort.signal, progress: (progress) => line({ progress }) }, args)
      .then((result) => line({ result }))
      .catch((error: unknown) => {
        const described = describeError(error);
        if (described.code === "INTERNAL") logger.error("admin operation failed", { op, error: described.message });
        line({ error: { ...described, ...(error !== null && typeof error === "object" && "requestId" in error ? { requestId: (error as { requestId: unknown }).requestId } : {}) } });
      })
      .finally(() => stream.end());
    return reply.type("application/x-ndjson").send(stream);
  });

  const { host, port } = splitHostPort(options.bind);
  await server.listen({ host, port });
  const address = server.server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  return { server, url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}` };
}
