/** The README examples must keep working: each is extracted, run, and its output checked. */
import { readmeExamples, sourceOf } from "@eidetica/test-kit";
import { expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const examples = readmeExamples(here, sourceOf("@eidetica/transport-mock", here));
const run = (index: number) => examples.run(index);

it("the virtual-time example prints what it promises", async () => {
  expect(await run(0)).toEqual([[{ kind: "Count", count: 0 }, 53], ["closed", 1]]);
});

it("the manual-delivery example prints what it promises", async () => {
  expect(await run(1)).toEqual([
    [["request SendEntries sim-peer-1→sim-peer-2", "request SendEntries sim-peer-1→sim-peer-2"]],
    [{ kind: "Count", count: 1 }],
    ["timeout", 2],
    [{ duplicated: 1, dropped: 1, late: 1, timedOut: 1 }],
  ]);
});
