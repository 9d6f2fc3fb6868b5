/** Aborts, timeouts, and that nothing keeps running once the transports have stopped. */
import { expect, it } from "vitest";
import { conformanceFixtures } from "./fixtures.js";
import { eventually, expectFailure, extraResources, resourceCounts, type Harness } from "./harness.js";
import { hangingRequest } from "./stub.js";
import type { TransportConformanceOptions } from "./types.js";

/** Registers the cancellation and cleanup cases; `h` gives the current test's harness. */
export function cancelCases(h: () => Harness, options: TransportConformanceOptions): void {
  it("rejects at once with a TransportError (aborted) when the signal is already aborted", async () => {
    const a = await h().peer();
    const b = await h().peer();
    const signal = AbortSignal.abort();
    await expectFailure(a.transport.sendRequest(b.address, conformanceFixtures().handshake, { signal }), ["aborted"], h().failFastMs, "pre-aborted");
  });

  it("honours an abort in the middle of a request (TransportError aborted), and keeps serving", async () => {
    const a = await h().peer();
    const b = await h().peer();
    const controller = new AbortController();
    const pending = a.transport.sendRequest(b.address, hangingRequest(), { signal: controller.signal });
    await b.stub.holding();
    controller.abort();
    await expectFailure(pending, ["aborted"], h().failFastMs, "aborted mid-request");
    b.stub.release();
    expect((await a.transport.sendRequest(b.address, conformanceFixtures().handshake)).kind).toBe("Handshake");
  });

  it("honours timeoutMs against a handler that never answers (TransportError timeout), and keeps serving", async () => {
    const a = await h().peer();
    const b = await h().peer();
    const pending = a.transport.sendRequest(b.address, hangingRequest(), { timeoutMs: 200 });
    await expectFailure(pending, ["timeout"], 200 + h().failFastMs, "timeoutMs 200");
    expect(b.stub.calls).toHaveLength(1);
    b.stub.release();
    expect((await a.transport.sendRequest(b.address, conformanceFixtures().handshake)).kind).toBe("Handshake");
  });

  it("leaves no timer, socket or pending request behind once both transports stop", async () => {
    const before = options.checkProcessResources === false ? undefined : resourceCounts();
    const fx = conformanceFixtures();
    const a = await h().peer();
    const b = await h().peer();
    const controller = new AbortController();
    // Requests that finish well within their deadline must clear their timers and listeners.
    await a.transport.sendRequest(b.address, fx.handshake, { signal: controller.signal, timeoutMs: 60_000 });
    await b.transport.sendRequest(a.address, fx.syncTree, { timeoutMs: 60_000 });
    controller.abort();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).transport.sendRequest((i % 2 ? b : a).address, fx.sendEntries)));
    await expectFailure(a.transport.sendRequest(b.address, hangingRequest(), { timeoutMs: 50 }), ["timeout"], 50 + h().failFastMs, "timeout");
    const aborting = new AbortController();
    const aborted = a.transport.sendRequest(b.address, hangingRequest(), { signal: aborting.signal });
    aborting.abort();
    await expectFailure(aborted, ["aborted"], h().failFastMs, "abort");
    b.stub.release();
    await a.transport.stopServer();
    await b.transport.stopServer();
    const settled = () => extraResources(before).length === 0 && (h().activeHandles() ?? 0) === 0;
    await eventually(settled, h().failFastMs);
    expect(extraResources(before), "resources still active after stopServer()").toEqual([]);
    expect(h().activeHandles() ?? 0, "the setup's activeHandles() after stopServer()").toBe(0);
  });
}
