/** The README example must keep working, twice on the same file (the second run reopens it). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it, vi } from "vitest";
import { SqliteBackend } from "../src/index.js";

const here = new URL(".", import.meta.url).pathname;
const dir = mkdtempSync(join(here, ".readme-"));
const dataDir = mkdtempSync(join(tmpdir(), "eidetica-readme-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

it("the README example runs, and reopens its file on a second run", async () => {
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(here, "..", "README.md"), "utf8"))?.[1] ?? "";
  const source = code
    .replace('"@eidetica/storage-sqlite"', JSON.stringify(pathToFileURL(join(here, "..", "src", "index.ts")).href))
    .replace('"./node.db"', JSON.stringify(join(dataDir, "node.db")));
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    for (const run of [1, 2]) {
      const file = join(dir, `example-${run}.ts`);
      writeFileSync(file, source);
      await import(pathToFileURL(file).href);
    }
    expect(log.mock.calls).toEqual([[{ milk: true }], [{ milk: true }]]);
    // The second run reopened the same instance and database: one database, two commits on it.
    const backend = SqliteBackend.open(join(dataDir, "node.db"));
    const [db, ...others] = await backend.allRoots();
    expect(others).toEqual([]);
    expect(await backend.countEntries(db ?? "")).toBe(3);
    await backend.close();
  } finally {
    log.mockRestore();
  }
});
