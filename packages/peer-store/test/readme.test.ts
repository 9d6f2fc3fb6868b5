/** The README example must keep working. */
import { readmeExamples, sourceOf } from "@eidetica/test-kit";
import { expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const examples = readmeExamples(here, sourceOf("@eidetica/peer-store", here));

it("the README example runs and prints what it promises", async () => {
  expect(await examples.run(0)).toEqual([["laptop", 1, true]]);
});
