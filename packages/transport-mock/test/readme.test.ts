/** The README examples must keep working: each is extracted, run, and its output checked. */
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
  writeFileSync(file, (examples[index] ?? "").replace('"@eidetica/transport-mock"', source));
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    await import(pathToFileURL(file).href);
    return log.mock.calls;
  } finally {
    log.mockRestore();
  }
}

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
