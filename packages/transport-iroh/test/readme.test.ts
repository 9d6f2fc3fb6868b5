/** The README example must keep working. */
import { readmeExamples, sourceOf } from "@eidetica/test-kit";
import { expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const examples = readmeExamples(here, sourceOf("@eidetica/transport-iroh", here));

it("the README example syncs over iroh on loopback and prints what it promises", async () => {
  expect(examples.count).toBe(1);
  expect(await examples.run(0)).toEqual([["iroh", 1, { milk: true, eggs: 12 }]]);
});
