/** Turning SQLite failures into typed errors. */
import { StorageError, isEideticaError } from "@eidetica/core";

/** Runs `fn`, turning any SQLite error into a {@link StorageError} carrying SQLite's code. */
export function storageCall<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw asStorageError(what, error);
  }
}

/** The typed form of an error thrown by better-sqlite3 (other Eidetica errors pass through). */
export function asStorageError(what: string, error: unknown): Error {
  if (isEideticaError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const sqliteCode = typeof code === "string" ? code : undefined;
  const reason = sqliteCode === undefined ? "failed" : `failed with ${sqliteCode}`;
  return new StorageError(`${what} ${reason}`, sqliteCode, { cause: error });
}
