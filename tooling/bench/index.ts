/**
 * The benchmark harness of every @eidetica package: `pnpm bench` runs each package's
 * `bench/*.bench.ts` through tsx; each writes `bench-results/<package>.json` (an array of
 * `{ name, value, unit }`) and prints the same figures as a table.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One figure of a benchmark. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** A goal the figure should reach, printed beside it (not written to the JSON). */
  readonly goal?: string;
}

/** Options of {@link measureRate}. */
export interface RateOptions {
  /** Timed rounds; the median is reported. Default 5. */
  readonly rounds?: number;
  /** Untimed warm-up calls of `run` before the rounds. Default 1. */
  readonly warmups?: number;
}

/**
 * Calls `run()` (which processes `itemsPerRun` items) in several timed rounds and returns the
 * median rate in items per second.
 */
export function measureRate(itemsPerRun: number, run: () => void, options: RateOptions = {}): number {
  const rounds = options.rounds ?? 5;
  for (let i = 0; i < (options.warmups ?? 1); i++) run();
  const rates: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(itemsPerRun / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

/** Median duration of `run()` in milliseconds over `rounds` calls, after one warm-up call. */
export function measureMillis(run: () => void, rounds = 5): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Prints the results as a table and writes them to `<packageDir>/bench-results/<name>.json`. */
export function report(packageDir: string, name: string, results: readonly BenchResult[]): void {
  const rows = results.map((r) => ({
    figure: r.name,
    value: r.value >= 100 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(3),
    unit: r.unit,
    goal: r.goal ?? "",
  }));
  console.log(`\n${name} (Node ${process.version}, ${process.platform}/${process.arch})`);
  console.table(rows);
  const dir = join(packageDir, "bench-results");
  mkdirSync(dir, { recursive: true });
  const json = results.map(({ name: n, value, unit }) => ({ name: n, value, unit }));
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`written: ${join(dir, `${name}.json`)}`);
}
