/** Over-limit messages, failing handlers, unreachable and stopped peers. */
import { LIMITS, isEideticaError } from "@eidetica/core";
import { HANDLER_BRAND, type SyncHandler, type SyncResponse } from "@eidetica/protocol";
import { expect, it } from "vitest";
import { conformanceFixtures, incrementalOf, sizedEntries } from "./fixtures.js";
import { expectFailure, type Harness, type Peer } from "./harness.js";
import { standardResponse } from "./stub.js";

/** Both peers still answer each other: nothing above crashed or wedged them. */
async function stillServing(a: Peer, b: Peer): Promise<void> {
  const { handshake } = conformanceFixtures();
  expect((await a.transport.sendRequest(b.address, handshake)).kind).toBe("Handshake");
  expect((await b.transport.sendRequest(a.address, handshake)).kind).toBe("Handshake");
}

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => expect.unreachable("the request must be rejected"),
    (reason: unknown) => reason,
  );

/** A typed size error: `TransportError` `too_large`, or the codec's `LIMIT_EXCEEDED`. */
function expectTooLarge(error: unknown): void {
  expect(isEideticaError(error), `expected a typed error, got ${String(error)}`).toBe(true);
  const typed = error as { code: string; failure?: string; message: string };
  const ok = (typed.code === "TRANSPORT" && typed.failure === "too_large") || typed.code === "LIMIT_EXCEEDED";
  expect(ok, `expected too_large or LIMIT_EXCEEDED, got ${typed.code} ${typed.failure ?? ""}: ${typed.message}`).toBe(true);
}

/** A handler breaking its contract (handlers must not throw): the transport must cope. */
function throwingHandler(how: "sync" | "async"): SyncHandler {
  return {
    [HANDLER_BRAND]: true,
    handle: (): Promise<SyncResponse> => {
      if (how === "sync") throw new TypeError("handler bug (sync)");
      return Promise.reject(new TypeError("handler bug (async)"));
    },
  };
}

/** Registers the failure cases; `h` gives the current test's harness. */
export function failureCases(h: () => Harness, limit: number = LIMITS.messageBytes): void {
  it("rejects a request above the limit with a typed error before the handler sees it, and keeps serving", async () => {
    const entries = sizedEntries(limit + 1024, "request");
    const a = await h().peer();
    const b = await h().peer();
    expectTooLarge(await rejection(a.transport.sendRequest(b.address, { kind: "SendEntries", entries })));
    expect(b.stub.calls).toHaveLength(0);
    await stillServing(a, b);
  });

  it("never delivers a response above the limit as a success, and keeps serving", async () => {
    const big = incrementalOf(sizedEntries(limit + 1024, "response"));
    const a = await h().peer();
    const b = await h().peer((request) => (request.kind === "SendEntries" ? big : standardResponse(request)));
    const outcome = await a.transport.sendRequest(b.address, conformanceFixtures().sendEntries).then(
      (response) => ({ response }),
      (error: unknown) => ({ error }),
    );
    if ("error" in outcome) {
      expect(isEideticaError(outcome.error), `expected a typed error, got ${String(outcome.error)}`).toBe(true);
    } else {
      expect(outcome.response.kind).toBe("Error");
    }
    await stillServing(a, b);
  });

  for (const how of ["sync", "async"] as const) {
    it(`answers Error when the handler throws (${how}), and keeps serving`, async () => {
      const client = await h().peer();
      const t = await h().transport();
      await t.startServer(throwingHandler(how));
      const address = t.serverAddress();
      expect(address).toBeDefined();
      if (address === undefined) return;
      for (let i = 0; i < 2; i++) {
        expect((await client.transport.sendRequest(address, conformanceFixtures().handshake)).kind).toBe("Error");
      }
      expect(t.isServerRunning()).toBe(true);
      expect((await t.sendRequest(client.address, conformanceFixtures().handshake)).kind).toBe("Handshake");
    });
  }

  it("passes a syncHandler's Error answer through when its function throws", async () => {
    const a = await h().peer();
    const b = await h().peer(() => {
      throw new RangeError("handler bug");
    });
    expect(await a.transport.sendRequest(b.address, conformanceFixtures().handshake)).toEqual({
      kind: "Error",
      message: "internal: internal error",
    });
    expect(b.stub.errors).toHaveLength(1);
  });

  it("fails fast with a TransportError (unreachable) at an address where nothing listens", async () => {
    const address = await h().unreachableAddress();
    const client = await h().transport();
    await expectFailure(client.sendRequest(address, conformanceFixtures().handshake), ["unreachable"], h().failFastMs, "unreachable address");
  });

  it("fails fast with a TransportError once the server it reached has stopped", async () => {
    const a = await h().peer();
    const b = await h().peer();
    const { handshake } = conformanceFixtures();
    expect((await a.transport.sendRequest(b.address, handshake)).kind).toBe("Handshake");
    await b.transport.stopServer();
    await expectFailure(a.transport.sendRequest(b.address, handshake), ["unreachable", "closed"], h().failFastMs, "stopped server");
    expect(b.stub.calls).toHaveLength(1);
  });
}
