import { seededRandom } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { runDemo } from "../src/demo.js";

describe("the demo", () => {
  it("verifies both writers' entries and merges their concurrent edits", () => {
    const { lines, merged, tips } = runDemo(seededRandom(7));
    expect(lines.filter((line) => line.includes("signature valid"))).toHaveLength(2);
    expect(tips).toHaveLength(2);
    // Both writers' items survive the merge; the title goes to the later entry in merge order.
    expect(merged.getInt("items.milk")).toBe(1);
    expect(merged.getInt("items.bread")).toBe(2);
    expect(["Groceries", "Shopping"]).toContain(merged.getText("title"));
  });

  it("gives the same merged state for the same seed", () => {
    expect(runDemo(seededRandom(9)).lines).toEqual(runDemo(seededRandom(9)).lines);
  });
});
