/**
 * One seed per test process for property tests and seeded simulations.
 *
 * Set `EIDETICA_SEED=<n>` to replay a run; otherwise the seed is the time at which this module
 * was loaded, chosen once, outside any property. A failing property prints the seed as an
 * `EIDETICA_SEED=<n>` hint.
 */
import * as fc from "fast-check";

function chooseSeed(): number {
  const text = process.env["EIDETICA_SEED"];
  if (text === undefined || text.trim() === "") return Date.now();
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`EIDETICA_SEED must be an integer, got ${JSON.stringify(text)}`);
  return seed;
}

const SEED = chooseSeed();

/** The seed of this test process: `EIDETICA_SEED` if set, else the time this module loaded. */
export function testSeed(): number {
  return SEED;
}

/**
 * fast-check parameters `{ seed, numRuns }` using {@link testSeed}. On failure the report names
 * the seed and how to replay it.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(fc.nat(), (n) => n >= 0), fcParams(200));
 * ```
 */
export function fcParams<T = unknown>(numRuns: number): fc.Parameters<T> {
  return {
    seed: SEED,
    numRuns,
    reporter(details) {
      if (!details.failed) return;
      const report = fc.defaultReportMessage(details) ?? "property failed";
      throw new Error(`${report}\nReplay with EIDETICA_SEED=${SEED}`, { cause: details.errorInstance });
    },
  };
}

/** `" (replay with EIDETICA_SEED=<n>)"`, to append to assertion messages. */
export function seedHint(): string {
  return ` (replay with EIDETICA_SEED=${SEED})`;
}

/** True when `EIDETICA_SOAK=1`: long runs with many more rounds. */
export function soak(): boolean {
  return process.env["EIDETICA_SOAK"] === "1";
}
