/**
 * `@eidetica/core/testing`: suites and helpers for people who implement @eidetica
 * interfaces. Needs `vitest` (a peer dependency).
 *
 * @packageDocumentation
 */
export { runBackendConformance, type BackendFactory } from "./backend-conformance.js";
export { TestDag, type TestStoreWrite } from "./dag-builder.js";
