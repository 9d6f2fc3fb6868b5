/**
 * `@eidetica/core/testing`: suites and helpers for people who implement @eidetica
 * interfaces: the backend conformance suite, a DAG builder, and forged entries for
 * adversarial tests. The suite needs `vitest` (a peer dependency).
 *
 * @packageDocumentation
 */
export { runBackendConformance, type BackendFactory } from "./backend-conformance.js";
export { TestDag, type TestStoreWrite } from "./dag-builder.js";
export {
  closureOf,
  docWith,
  forgeEntry,
  storeTipsAt,
  wireOf,
  withDataBitFlipped,
  withSignatureBitFlipped,
  withStoreData,
  type ForgeSpec,
} from "./forge.js";
