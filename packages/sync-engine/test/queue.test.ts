import { describe, expect, it } from "vitest";
import type { ID, PublicKeyText } from "@eidetica/core";
import { PeerQueue } from "../src/engine/queue.js";

const peer = "ed25519:peer" as PublicKeyText;
const a = "sha256:a" as ID;
const b = "sha256:b" as ID;

describe("PeerQueue", () => {
  it("holds one job per database; new work joins it, a sync absorbs a push, and the backoff is kept", () => {
    const queue = new PeerQueue(peer);
    const first = queue.add(a, "push", 2, 5_000);
    const joined = queue.add(a, "sync", 0, 0);
    expect(joined).toBe(first);
    expect(queue.size).toBe(1);
    expect(first).toMatchObject({ kind: "sync", attempts: 2, dueAt: 5_000, again: true });
    queue.add(a, "push", 0, 0);
    expect(first.kind).toBe("sync");
  });

  it("gives the first due job in arrival order, and the earliest due time", () => {
    const queue = new PeerQueue(peer);
    queue.add(a, "push", 1, 2_000);
    queue.add(b, "push", 0, 1_000);
    expect(queue.next(999)).toBeUndefined();
    expect(queue.next(1_000)?.database).toBe(b);
    expect(queue.next(2_000)?.database).toBe(a);
    expect(queue.firstDue()).toBe(1_000);
    queue.remove(b);
    expect(queue.firstDue()).toBe(2_000);
    expect([...queue.jobs()].map((job) => job.database)).toEqual([a]);
    queue.remove(a);
    expect(queue.firstDue()).toBeUndefined();
    expect(queue.size).toBe(0);
  });
});
