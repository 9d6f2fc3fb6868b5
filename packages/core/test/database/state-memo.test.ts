/**
 * The memo of decoded store states each database keeps: bounded by count and by size (so a
 * database with large states, such as a peer store with many peers, keeps a few of them, not
 * a thousand), with a floor of recent states kept whatever their size.
 */
import { describe, expect, it } from "vitest";
import { Doc } from "../../src/crdt/index.js";
import { StateMemo } from "../../src/database/state.js";

const doc = (n: number) => Doc.fromEntries([["n", n]]);

describe("StateMemo", () => {
  it("keeps at most `count` states, forgetting the oldest set first", () => {
    const memo = new StateMemo({ count: 3, chars: 1_000_000 });
    for (let i = 0; i < 3; i++) memo.set(`k${i}`, doc(i), 10);
    expect(memo.size).toBe(3);
    memo.set("k3", doc(3), 10);
    expect(memo.size).toBe(3);
    expect(memo.get("k0")).toBeUndefined();
    expect(memo.get("k1")?.get("n")).toBe(1);
    expect(memo.get("k3")?.get("n")).toBe(3);
  });

  it("setting a key again makes it the newest and counts its size once", () => {
    const memo = new StateMemo({ count: 2, chars: 1_000_000 });
    memo.set("a", doc(1), 10);
    memo.set("b", doc(2), 10);
    memo.set("a", doc(3), 25);
    expect(memo.chars).toBe(35);
    memo.set("c", doc(4), 10);
    expect(memo.get("b")).toBeUndefined();
    expect(memo.get("a")?.get("n")).toBe(3);
  });

  it("holds at most `chars` of state: limit - 1 and limit fit, limit + 1 drops the oldest", () => {
    const limit = 1_000;
    const fill = (last: number) => {
      const memo = new StateMemo({ chars: limit, floor: 1 });
      memo.set("first", doc(0), 500);
      memo.set("second", doc(1), last);
      return memo;
    };
    expect(fill(limit - 501).size).toBe(2);
    expect(fill(limit - 500).size).toBe(2);
    const over = fill(limit - 499);
    expect(over.size).toBe(1);
    expect(over.get("first")).toBeUndefined();
    expect(over.chars).toBe(limit - 499);
  });

  it("keeps the `floor` newest states even when they alone are over the size bound", () => {
    const memo = new StateMemo({ chars: 100, floor: 2 });
    for (let i = 0; i < 5; i++) memo.set(`big${i}`, doc(i), 1_000);
    expect(memo.size).toBe(2);
    expect(memo.get("big3")?.get("n")).toBe(3);
    expect(memo.get("big4")?.get("n")).toBe(4);
    expect(memo.chars).toBe(2_000);
  });
});
