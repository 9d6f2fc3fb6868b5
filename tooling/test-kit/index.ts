/**
 * Shared test helpers of the @eidetica packages (private): the seed of randomized tests
 * (`EIDETICA_SEED` replays a run), fast-check parameters that print it, and typed-error checks.
 */
export { fcParams, seedHint, soak, testSeed } from "./seed.js";
export { expectCode } from "./errors.js";
export { readmeExamples, sourceOf } from "./readme.js";
export { chance, mutateBytes, mutateStructure, pick, respell, type Json, type Rng } from "./mutate.js";
