/**
 * A transport that proves an endpoint key rather than the device key (iroh: an Eidetica v0
 * node keeps its iroh key apart from its device key). A handshake claiming another key is then
 * unproven, not a contradiction: answered, not recorded, not counted as invalid, and such a
 * peer cannot push. Without the flag the same handshake is auth_failed (H5).
 */
import { seededRandom } from "@eidetica/core";
import type { RequestContext } from "@eidetica/protocol";
import { describe, expect, it } from "vitest";
import { ctx, handshakeRequest, randomKey, scene } from "./support/probes.js";

describe("endpoint keys", () => {
  it("a claim that differs from an endpoint key is answered unproven; from a device key it is auth_failed", async () => {
    const s = await scene(41);
    const random = seededRandom(41);
    const device = randomKey(random);
    const endpoint = randomKey(random);
    const asEndpoint: RequestContext = { ...ctx("rust-node", endpoint.publicKey), endpointKey: true };
    const answered = await s.server.sync.handler.handle(handshakeRequest(device.publicKey, random.bytes(32)), asEndpoint);
    expect(answered.kind).toBe("Handshake");
    expect(s.server.sync.store.peers.has(device.publicKey), "the unproven claim is not recorded").toBe(false);
    expect(s.server.sync.store.peers.has(endpoint.publicKey)).toBe(false);
    expect(s.server.sync.handler.stats().invalidRequests, "not counted against the sender").toBe(0);
    const push = await s.server.sync.handler.handle({ kind: "SendEntries", entries: [] }, asEndpoint);
    expect(push.kind === "Error" && push.message.startsWith("auth_required: ")).toBe(true);

    const asDevice = ctx("mock-node", endpoint.publicKey);
    const refused = await s.server.sync.handler.handle(handshakeRequest(device.publicKey, random.bytes(32)), asDevice);
    expect(refused.kind === "Error" && refused.message.startsWith("auth_failed: ")).toBe(true);
  });

  it("an endpoint key that is the claimed device key is proven as before", async () => {
    const s = await scene(42);
    const random = seededRandom(42);
    const key = randomKey(random);
    const answered = await s.server.sync.handler.handle(handshakeRequest(key.publicKey, random.bytes(32)), { ...ctx("our-node", key.publicKey), endpointKey: true });
    expect(answered.kind).toBe("Handshake");
    expect(s.server.sync.store.peers.has(key.publicKey)).toBe(true);
  });
});
