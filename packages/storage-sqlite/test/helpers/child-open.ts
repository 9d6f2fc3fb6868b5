/**
 * Run in a separate process by concurrency.test.ts: tries to use an SQLite file that another
 * process holds, and prints what happened as one JSON line.
 *
 *   node --import tsx test/helpers/child-open.ts backend <file>   SqliteBackend.open (this package)
 *   node --import tsx test/helpers/child-open.ts raw <file>       a plain better-sqlite3 connection
 */
import Database from "better-sqlite3";
import { SqliteBackend } from "../../src/index.js";

const [mode, file] = process.argv.slice(2);
if (file === undefined || (mode !== "backend" && mode !== "raw")) throw new Error("usage: child-open.ts backend|raw <file>");

function codeOf(error: unknown): { name: string; code: unknown; storageCode?: unknown } {
  const e = error as { name?: unknown; code?: unknown; storageCode?: unknown };
  return { name: String(e.name), code: e.code, ...(e.storageCode === undefined ? {} : { storageCode: e.storageCode }) };
}

const out: Record<string, unknown> = {};
if (mode === "backend") {
  try {
    const backend = SqliteBackend.open(file);
    out.opened = true;
    out.roots = await backend.allRoots();
    await backend.close();
  } catch (error) {
    out.openError = codeOf(error);
  }
} else {
  const db = new Database(file, { timeout: 0, fileMustExist: true });
  try {
    out.count = (db.prepare("SELECT count(*) AS n FROM entries").get() as { n: number }).n;
  } catch (error) {
    out.readError = codeOf(error);
  }
  try {
    db.prepare("INSERT INTO instance_records (kind, data) VALUES ('intruder', '{}')").run();
    out.wrote = true;
  } catch (error) {
    out.writeError = codeOf(error);
  }
  db.close();
}
console.log(JSON.stringify(out));
