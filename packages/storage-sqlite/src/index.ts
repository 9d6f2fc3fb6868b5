/**
 * @eidetica/storage-sqlite: a persistent, crash-safe {@link Backend} for @eidetica/core on
 * SQLite (better-sqlite3).
 *
 * @example
 * ```ts
 * import { Instance } from "@eidetica/core";
 * import { SqliteBackend } from "@eidetica/storage-sqlite";
 *
 * const instance = await Instance.openOrCreate({ backend: SqliteBackend.open("node.db") });
 * ```
 * @packageDocumentation
 */
export { SqliteBackend, type SqliteBackendOptions } from "./sqlite-backend.js";
export { SCHEMA_VERSION } from "./schema.js";
