/** The README examples must keep working. */
import { readmeExamples, sourceOf } from "@eidetica/test-kit";
import { expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const examples = readmeExamples(here, sourceOf("@eidetica/transport-http", here));

it("the README has its two examples", () => {
  expect(examples.count).toBe(2);
});

it("the first syncs over HTTP and prints what it promises", async () => {
  expect(await examples.run(0)).toEqual([["http", 1, { milk: true, eggs: 12 }]]);
});

it("the second mounts sync on an application's own fastify server", async () => {
  expect(await examples.run(1)).toEqual([[true]]);
});
