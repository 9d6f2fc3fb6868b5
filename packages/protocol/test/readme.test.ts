/** The README example must keep working. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it, vi } from "vitest";

const here = new URL(".", import.meta.url).pathname;
const dir = mkdtempSync(join(here, ".readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the README example runs and prints what it promises", async () => {
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(here, "..", "README.md"), "utf8"))?.[1] ?? "";
  const file = join(dir, "example.ts");
  writeFileSync(file, code.replace('"@eidetica/protocol"', JSON.stringify(pathToFileURL(join(here, "..", "src", "index.ts")).href)));
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    await import(pathToFileURL(file).href);
    expect(log.mock.calls).toEqual([['{"SendEntries":[]}'], ["SendEntries"], ["127.0.0.1:8080"]]);
  } finally {
    log.mockRestore();
  }
});
