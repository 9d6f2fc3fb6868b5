/** The README example must keep working, twice on the same file (the second run reopens it). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readmeExamples, sourceOf } from "@eidetica/test-kit";
import { afterAll, expect, it } from "vitest";
import { SqliteBackend } from "../src/index.js";

const here = new URL(".", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "eidetica-readme-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const examples = readmeExamples(here, {
  ...sourceOf("@eidetica/storage-sqlite", here),
  '"./node.db"': JSON.stringify(join(dataDir, "node.db")),
});

it("the README example runs, and reopens its file on a second run", async () => {
  expect(await examples.run(0)).toEqual([[{ milk: true }]]);
  expect(await examples.run(0)).toEqual([[{ milk: true }]]);
  // The second run reopened the same instance and database: one database, two commits on it.
  const backend = SqliteBackend.open(join(dataDir, "node.db"));
  const [db, ...others] = await backend.allRoots();
  expect(others).toEqual([]);
  expect(await backend.countEntries(db ?? "")).toBe(3);
  await backend.close();
});
