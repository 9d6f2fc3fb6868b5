import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/index.js";
import { runBackendConformance } from "../../src/testing/index.js";

runBackendConformance("MemoryBackend", () => new MemoryBackend());

describe("MemoryBackend state cache", () => {
  it("evicts the least recently used states beyond its byte budget", async () => {
    const backend = new MemoryBackend({ cacheBytes: 10 });
    await backend.putCachedState("a", "aaaa");
    await backend.putCachedState("b", "bbbb");
    expect(await backend.getCachedState("a")).toBe("aaaa"); // a is now the most recent
    await backend.putCachedState("c", "cccc");
    expect(await backend.getCachedState("b")).toBeUndefined();
    expect(await backend.getCachedState("a")).toBe("aaaa");
    expect(await backend.getCachedState("c")).toBe("cccc");
    await backend.putCachedState("huge", "x".repeat(11));
    expect(await backend.getCachedState("huge")).toBeUndefined();
  });
});
