/**
 * The demo `npm start` runs, end to end: three real node processes, joins over HTTP and iroh
 * after approval, writes seen on every node, a clean stop. (A smaller history than `npm start`.)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "../src/demo.js";
import { CLI, tempRoot } from "./support/nodes.js";

const temp = tempRoot("eidetica-demo-test-");
afterAll(() => temp.cleanup());

describe("the demo", () => {
  it("runs three nodes that join, sync both ways and stop cleanly", async () => {
    const lines: string[] = [];
    const report = await runDemo({ root: temp.root, history: 150, showProgress: false, cli: CLI, say: (line) => lines.push(line) });
    const text = lines.join("\n");
    expect(report.exitCodes).toEqual([0, 0, 0]);
    expect(text).toMatch(/joined notes \(bafy\w+\): 15\d entries/);
    expect(text.match(/\(exit 5: waiting for approval\)/g)?.length, "both joins waited for Alice's approval").toBe(2);
    expect(Object.keys(report.delays)).toHaveLength(6);
    for (const [route, delays] of Object.entries(report.delays)) {
      expect(delays, route).toHaveLength(5);
      for (const delay of delays) expect(delay, route).toBeGreaterThan(0);
    }
    expect(text).toContain("hello carol, from bob (4)");
    for (const name of ["alice", "bob", "carol"]) {
      expect(existsSync(join(temp.root, name, "node.db"))).toBe(true);
      expect(existsSync(join(temp.root, name, "node.json")), `${name}'s node.json is removed at shutdown`).toBe(false);
    }
  }, 180_000);
});
