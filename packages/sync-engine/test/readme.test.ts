/** The README examples must keep working. */
import { readmeExamples, sourceOf } from "@eidetica/test-kit";
import { expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const examples = readmeExamples(here, sourceOf("@eidetica/sync-engine", here));

it("the README has its three examples", () => {
  expect(examples.count).toBe(3);
});

it("the first example syncs by hand and prints what it promises", async () => {
  expect(await examples.run(0)).toEqual([[1, { milk: true, eggs: 12 }]]);
});

it("the engine example pushes a commit by itself", async () => {
  expect(await examples.run(1)).toEqual([["bob received", 1], [true, { milk: true }, 1]]);
});

it("the harness example finds no violation in a run that injected partitions", async () => {
  expect(await examples.run(2)).toEqual([[[], true]]);
});
