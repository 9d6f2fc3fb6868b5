/** WeightedLru: bounded by count and by total weight, with a floor of newest items kept. */
import { describe, expect, it } from "vitest";
import { WeightedLru } from "../../src/index.js";

describe("WeightedLru", () => {
  it("a total of limit - 1 and limit stays; limit + 1 drops the oldest", () => {
    const fill = (last: number) => {
      const lru = new WeightedLru<string, number>({ weight: 100 });
      lru.set("a", 1, 50);
      lru.set("b", 2, last);
      return lru;
    };
    expect(fill(49).size).toBe(2);
    expect(fill(50).size).toBe(2);
    const over = fill(51);
    expect([over.size, over.has("a"), over.weight]).toEqual([1, false, 51]);
  });

  it("with no floor an item heavier than the bound is not kept (and replaces nothing it displaced)", () => {
    const lru = new WeightedLru<string, number>({ weight: 10 });
    lru.set("a", 1, 5);
    lru.set("a", 2, 11);
    expect([lru.size, lru.weight, lru.get("a")]).toEqual([0, 0, undefined]);
  });

  it("keeps the floor newest whatever they weigh, and bounds the count", () => {
    const lru = new WeightedLru<string, number>({ weight: 10, floor: 2, count: 3 });
    for (let i = 0; i < 4; i++) lru.set(`k${i}`, i, 100);
    expect([lru.size, lru.has("k2"), lru.has("k3")]).toEqual([2, true, true]);
    const counted = new WeightedLru<string, number>({ weight: 1_000, count: 3 });
    for (let i = 0; i < 5; i++) counted.set(`k${i}`, i, 1);
    expect([counted.size, counted.has("k1"), counted.has("k2")]).toEqual([3, false, true]);
  });

  it("get with touch makes an item the newest; without, the order stays", () => {
    const lru = new WeightedLru<string, number>({ weight: 2 });
    lru.set("a", 1, 1);
    lru.set("b", 2, 1);
    expect(lru.get("a")).toBe(1);
    lru.set("c", 3, 1);
    expect(lru.has("a")).toBe(false);
    const touched = new WeightedLru<string, number>({ weight: 2 });
    touched.set("a", 1, 1);
    touched.set("b", 2, 1);
    expect(touched.get("a", true)).toBe(1);
    touched.set("c", 3, 1);
    expect([touched.has("a"), touched.has("b")]).toEqual([true, false]);
  });

  it("set again replaces the weight once; delete and clear release it", () => {
    const lru = new WeightedLru<string, number>({ weight: 100 });
    lru.set("a", 1, 10);
    lru.set("a", 2, 30);
    expect([lru.weight, lru.get("a")]).toEqual([30, 2]);
    expect(lru.delete("a")).toBe(true);
    expect(lru.delete("a")).toBe(false);
    lru.set("b", 1, 5);
    lru.clear();
    expect([lru.size, lru.weight]).toEqual([0, 0]);
  });
});
