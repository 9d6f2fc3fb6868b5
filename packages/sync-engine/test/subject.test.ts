/** Who an invalid request counts against (reliability R6): the proven key, else the address, an HTTP client's by host. */
import { describe, expect, it } from "vitest";
import { subjectOf } from "../src/server/penalties.js";

const http = (address: string) => ({ transportType: "http", remoteAddress: { transportType: "http", address }, peerKey: undefined });

describe("subjectOf", () => {
  it("a proven key wins over any address", () => {
    expect(subjectOf({ ...http("127.0.0.1:4000"), peerKey: "ed25519:abc" as never })).toBe("key:ed25519:abc");
  });

  it("an HTTP client counts by host: a new connection's source port is the same sender", () => {
    expect(subjectOf(http("127.0.0.1:40001"))).toBe(subjectOf(http("127.0.0.1:40002")));
    expect(subjectOf(http("[::1]:40001"))).toBe(subjectOf(http("[::1]:51000")));
    expect(subjectOf(http("[::1]:40001"))).toBe("address:http:[::1]");
    expect(subjectOf(http("127.0.0.1:40001"))).not.toBe(subjectOf(http("127.0.0.2:40001")));
  });

  it("other transports count by their whole address, and no address means the transport", () => {
    expect(subjectOf({ transportType: "sim", remoteAddress: { transportType: "sim", address: "node-1:2" }, peerKey: undefined })).toBe("address:sim:node-1:2");
    expect(subjectOf({ transportType: "iroh", remoteAddress: undefined, peerKey: undefined })).toBe("transport:iroh");
  });
});
