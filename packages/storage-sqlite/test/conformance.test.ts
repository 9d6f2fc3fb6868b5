import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBackendConformance } from "@eidetica/core/testing";
import { afterAll } from "vitest";
import { SqliteBackend } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "eidetica-sqlite-conformance-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// A real file on disk for every test, as in production.
runBackendConformance("SqliteBackend (file)", () => SqliteBackend.open(join(dir, `db-${files++}.sqlite`)));
