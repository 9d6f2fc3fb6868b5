/** Temporary files and raw access to an SQLite file, for the storage-sqlite tests. */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll } from "vitest";

/** A fresh directory under the OS temp dir, removed after the file's tests; `file(name)` joins in it. */
export function useTempDir(prefix: string): { readonly dir: string; file(name: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `eidetica-sqlite-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, file: (name: string) => join(dir, name) };
}

/** SHA-256 of a file's bytes (hex). */
export function fileHash(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The `-wal`, `-shm` and `-journal` files SQLite left beside `path`. */
export function sideFiles(path: string): string[] {
  return ["-wal", "-shm", "-journal"].map((suffix) => path + suffix).filter((p) => existsSync(p));
}

/** Runs `fn` on a plain better-sqlite3 connection to `path` (no Eidetica code), then closes it. */
export function withRawDb<T>(path: string, fn: (db: Database.Database) => T, options: { readonly readonly?: boolean } = {}): T {
  const db = new Database(path, { readonly: options.readonly === true, fileMustExist: true, timeout: 0 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** SQLite's own `PRAGMA integrity_check` result (`["ok"]` for a sound file). */
export function integrityCheck(path: string): string[] {
  return withRawDb(path, (db) => (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check), {
    readonly: true,
  });
}

/**
 * Flips one byte of a stored entry directly in the file's raw bytes (the backend must be
 * closed, so the WAL has been checkpointed into the file).
 *
 * The entry's canonical bytes can also sit on freed pages left by b-tree page splits, so the copy
 * that is live is found through SQLite's `dbstat` table: the one on a leaf page of `entries`.
 * Returns the absolute offset of the flipped byte.
 */
export function flipEntryByteInFile(path: string, entryBytes: Uint8Array, offsetInEntry: number): number {
  if (offsetInEntry < 0 || offsetInEntry >= entryBytes.length) throw new RangeError("offset outside the entry");
  const { pageSize, leaves } = withRawDb(
    path,
    (db) => ({
      pageSize: db.pragma("page_size", { simple: true }) as number,
      leaves: (db.prepare("SELECT pageno FROM dbstat WHERE name = 'entries' AND pagetype = 'leaf'").all() as { pageno: number }[]).map(
        (r) => r.pageno,
      ),
    }),
    { readonly: true },
  );
  const bytes = readFileSync(path);
  const needle = Buffer.from(entryBytes);
  const live: number[] = [];
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
    const page = Math.floor(at / pageSize) + 1;
    const endPage = Math.floor((at + needle.length - 1) / pageSize) + 1;
    if (page === endPage && leaves.includes(page)) live.push(at);
  }
  if (live.length !== 1) throw new Error(`expected exactly one live copy of the entry in the file, found ${live.length}`);
  const offset = (live[0] as number) + offsetInEntry;
  const fd = openSync(path, "r+");
  try {
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, offset);
    one[0] = (one[0] as number) ^ 0x01;
    writeSync(fd, one, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
  return offset;
}
