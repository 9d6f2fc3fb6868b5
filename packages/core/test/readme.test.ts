/** The README's examples must keep working: each is extracted, run, and its output checked. */
import { readmeExamples, sourceOf } from "@eidetica/test-kit";
import { expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const examples = readmeExamples(here, sourceOf("@eidetica/core", here));

it("the README has its two examples", () => {
  expect(examples.count).toBeGreaterThanOrEqual(2);
});

it("the entry example runs and prints what it promises", async () => {
  expect(await examples.run(0)).toEqual([[true, true], [{ milk: true }]]);
});

it("the database example runs and both replicas print the merged list", async () => {
  const merged = { bread: 2, eggs: 12, milk: 1 };
  expect(await examples.run(1)).toEqual([[merged], [merged]]);
});
