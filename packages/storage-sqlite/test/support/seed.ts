/**
 * One seed per test process for the seeded fault tests of this package.
 *
 * Set `EIDETICA_SEED=<n>` to replay a run; otherwise the seed is the time at which this module
 * was loaded, chosen once. Failing assertions name the seed through {@link seedHint}.
 */

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

/** `" (replay with EIDETICA_SEED=<n>)"`, to append to assertion messages. */
export function seedHint(): string {
  return ` (replay with EIDETICA_SEED=${SEED})`;
}

/** True when `EIDETICA_SOAK=1`: long runs with many more rounds. */
export function soak(): boolean {
  return process.env["EIDETICA_SOAK"] === "1";
}
