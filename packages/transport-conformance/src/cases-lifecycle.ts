/** Server lifecycle: start, stop, restart, idempotent stop, addresses, `isServerRunning`. */
import { isEideticaError } from "@eidetica/core";
import { isSyncTransport } from "@eidetica/protocol";
import { expect, it } from "vitest";
import { conformanceFixtures } from "./fixtures.js";
import type { Harness } from "./harness.js";

/** Registers the lifecycle cases; `h` gives the current test's harness. */
export function lifecycleCases(h: () => Harness): void {
  it("is a branded SyncTransport with a kind, not serving before start", async () => {
    const t = await h().transport();
    expect(isSyncTransport(t)).toBe(true);
    expect(typeof t.kind).toBe("string");
    expect(t.kind.length).toBeGreaterThan(0);
    expect(t.isServerRunning()).toBe(false);
    expect(t.serverAddress()).toBeUndefined();
  });

  it("serves at an address of its own kind while running; stop ends it", async () => {
    const t = await h().transport();
    const { address } = await h().serve(t);
    expect(t.isServerRunning()).toBe(true);
    expect(address.transportType).toBe(t.kind);
    expect(t.canHandleAddress(address)).toBe(true);
    expect(t.canHandleAddress({ transportType: `${t.kind}-not`, address: address.address })).toBe(false);
    await t.stopServer();
    expect(t.isServerRunning()).toBe(false);
    expect(t.serverAddress()).toBeUndefined();
  });

  it("stop is idempotent, also before any start", async () => {
    const t = await h().transport();
    await t.stopServer();
    expect(t.isServerRunning()).toBe(false);
    await h().serve(t);
    await t.stopServer();
    await t.stopServer();
    expect(t.isServerRunning()).toBe(false);
    expect(t.serverAddress()).toBeUndefined();
  });

  it("restarts after a stop and serves again", async () => {
    const client = await h().transport();
    const server = await h().transport();
    const { handshake } = conformanceFixtures();
    const first = await h().serve(server);
    expect((await client.sendRequest(first.address, handshake)).kind).toBe("Handshake");
    await server.stopServer();
    const second = await h().serve(server);
    expect(server.isServerRunning()).toBe(true);
    expect((await client.sendRequest(second.address, handshake)).kind).toBe("Handshake");
    expect(second.stub.calls).toHaveLength(1);
  });

  it("refuses a second start while running, with a typed error, and keeps serving", async () => {
    const client = await h().transport();
    const server = await h().peer();
    const other = h().stub();
    const error = await server.transport.startServer(other.handler).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(isEideticaError(error), `expected a typed EideticaError, got ${String(error)}`).toBe(true);
    expect(server.transport.isServerRunning()).toBe(true);
    expect((await client.sendRequest(server.address, conformanceFixtures().handshake)).kind).toBe("Handshake");
    expect(server.stub.calls).toHaveLength(1);
    expect(other.calls).toHaveLength(0);
  });

  it("gives each running server its own real address, which reaches that server", async () => {
    const a = await h().peer(() => ({ kind: "Count", count: 1 }));
    const b = await h().peer(() => ({ kind: "Count", count: 2 }));
    expect(a.address).not.toEqual(b.address);
    const request = conformanceFixtures().sendEntries;
    expect(await a.transport.sendRequest(b.address, request)).toEqual({ kind: "Count", count: 2 });
    expect(await b.transport.sendRequest(a.address, request)).toEqual({ kind: "Count", count: 1 });
    expect(a.transport.serverAddress()).toEqual(a.address);
  });
}
