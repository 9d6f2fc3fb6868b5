/** The repository README's code example must keep working (run against the built packages, as a user gets them). */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { readmeExamples } from "@eidetica/test-kit";
import { expect, it } from "vitest";

const root = new URL("../../..", import.meta.url).pathname;
const packages = ["core", "sync-engine", "transport-http"];
// The README is in the parent of the folder given: the repository root.
const examples = readmeExamples(
  join(root, "apps"),
  Object.fromEntries(packages.map((name) => [JSON.stringify(`@eidetica/${name}`), JSON.stringify(pathToFileURL(join(root, "packages", name, "dist", "index.js")).href)])),
);

it("the README has one code example", () => {
  expect(examples.count).toBe(1);
});

it("two peers sync over HTTP and print what the README promises", async () => {
  expect(await examples.run(0)).toEqual([[{ eggs: 12 }]]);
}, 60_000);
