/** The README's "Write your own transport" code is the code this package's tests run. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const readme = readFileSync(join(here, "..", "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Write your own transport"));
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
const file = (name: string) => readFileSync(join(here, name), "utf8");

it("shows test/example-transport.ts verbatim", () => {
  expect(blocks[0]).toBe(file("example-transport.ts"));
});

it("shows test/example.test.ts verbatim", () => {
  expect(blocks[1]).toBe(file("example.test.ts"));
});
