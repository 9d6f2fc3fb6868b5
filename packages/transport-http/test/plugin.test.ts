/**
 * eideticaSync mounted on an application's own fastify server: sync at /api/v0 (or another
 * path) beside the application's routes, whose JSON parsing it leaves alone.
 */
import { systemClock } from "@eidetica/core";
import { decodeResponse, encodeRequest } from "@eidetica/protocol";
import { StubHandler, conformanceFixtures } from "@eidetica/transport-conformance";
import { HttpTransport, RequestVerifier, eideticaSync } from "@eidetica/transport-http";
import fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { post } from "./support/http.js";

const apps: ReturnType<typeof fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function appWithSync(path?: string) {
  const app = fastify();
  apps.push(app);
  const stub = new StubHandler();
  app.post("/echo", async (request) => ({ echoed: request.body }));
  await app.register(eideticaSync, { handler: stub.handler, verifier: new RequestVerifier(systemClock), ...(path === undefined ? {} : { path }) });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const bound = app.server.address();
  const hostPort = `127.0.0.1:${typeof bound === "object" && bound !== null ? bound.port : 0}`;
  return { app, stub, hostPort };
}

describe("the eideticaSync plugin on an application's server", () => {
  it("serves sync at /api/v0 to an HttpTransport, beside the application's own JSON route", async () => {
    const { hostPort, stub } = await appWithSync();
    const client = new HttpTransport();
    expect((await client.sendRequest({ transportType: "http", address: hostPort }, conformanceFixtures().handshake)).kind).toBe("Handshake");
    await client.stopServer();
    expect(stub.calls).toHaveLength(1);
    const echo = await post(hostPort, JSON.stringify({ a: 1 }), { "content-type": "application/json" }, "/echo");
    expect([echo.status, JSON.parse(echo.text)]).toEqual([200, { echoed: { a: 1 } }]);
  });

  it("serves at another path when asked, with the same refusals", async () => {
    const { hostPort } = await appWithSync("/sync/v0");
    const ok = await post(hostPort, encodeRequest(conformanceFixtures().handshake), { "content-type": "application/json" }, "/sync/v0");
    expect(ok.status).toBe(200);
    expect(decodeResponse(ok.text).kind).toBe("Handshake");
    const bad = await post(hostPort, "{", { "content-type": "application/json" }, "/sync/v0");
    expect(bad.status).toBe(400);
  });
});
