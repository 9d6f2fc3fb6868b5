/** The README's examples must keep working: each is extracted, run, and its output checked. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it, vi } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const dir = mkdtempSync(join(here, ".readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const examples = [...readFileSync(join(here, "..", "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
const source = JSON.stringify(pathToFileURL(join(here, "..", "src", "index.ts")).href);

async function run(index: number): Promise<unknown[][]> {
  const file = join(dir, `example-${index}.ts`);
  writeFileSync(file, (examples[index] ?? "").replace('"@eidetica/core"', source));
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    await import(pathToFileURL(file).href);
    return log.mock.calls;
  } finally {
    log.mockRestore();
  }
}

it("the README has its two examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

it("the entry example runs and prints what it promises", async () => {
  expect(await run(0)).toEqual([[true, true], [{ milk: true }]]);
});

it("the database example runs and both replicas print the merged list", async () => {
  const merged = { bread: 2, eggs: 12, milk: 1 };
  expect(await run(1)).toEqual([[merged], [merged]]);
});
