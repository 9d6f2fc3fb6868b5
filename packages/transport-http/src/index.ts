/**
 * @eidetica/transport-http: Eidetica sync over HTTP. `HttpTransport` serves a `SyncHandler`
 * at `POST /api/v0` on a hardened fastify server and reaches peers with a keep-alive undici
 * client; `eideticaSync` mounts the same route on an application's own fastify server.
 *
 * @example
 * ```ts
 * import { HttpTransport } from "@eidetica/transport-http";
 *
 * const transport = new HttpTransport({ bind: "127.0.0.1:0", signingKey: instance.deviceKey });
 * const sync = await Sync.create(instance, { transports: [transport] });
 * await sync.startServers();
 * ```
 * @packageDocumentation
 */
export { HttpTransport, API_PATH, type HttpTransportOptions } from "./transport.js";
export { eideticaSync, type EideticaSyncPluginOptions } from "./plugin.js";
export { RequestVerifier, signRequest, AUTH_HEADERS, AUTH_WINDOW_MS, MAX_REMEMBERED_NONCES } from "./auth.js";
export { HTTP_KIND, parseHostPort, socketAddress } from "./address.js";
export { InvalidAddressError, RequestAuthError } from "./errors.js";
export type { HttpClientOptions } from "./client.js";
export type { HttpServerLimits } from "./server.js";
