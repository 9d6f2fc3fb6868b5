/**
 * Running a simulation property over many seeds: `SIM_SEEDS` sets how many (the default for
 * `npm test`, 1,000 over the files that share a property, is the PR tier; `SIM_SEEDS=100000`
 * is the long soak), `SIM_SEED=<n>` replays one seed. A failure names each failing seed with
 * the command that replays it.
 */
import { testSeed } from "@eidetica/test-kit";
import type { SimulationReport } from "@eidetica/sync-engine/testing";
import { expect } from "vitest";

/** The seeds this file runs: its share (`part` of `parts`) of `SIM_SEEDS` (default `count`) seeds from the base seed. */
export function seedsOf(count: number, part = 0, parts = 1): number[] {
  const one = process.env["SIM_SEED"];
  if (one !== undefined && one !== "") return [Number(one)];
  const total = Number(process.env["SIM_SEEDS"] ?? count);
  const base = testSeed() % 1_000_000_000;
  const seeds: number[] = [];
  for (let i = part; i < total; i += parts) seeds.push(base + i);
  return seeds;
}

/** Runs `run` for every seed and fails with every failing seed, its violations and its replay command. */
export async function everySeed(file: string, seeds: readonly number[], run: (seed: number) => Promise<SimulationReport>, check: (report: SimulationReport) => string[] = () => []): Promise<SimulationReport[]> {
  const reports: SimulationReport[] = [];
  const failures: string[] = [];
  for (const seed of seeds) {
    let report: SimulationReport;
    try {
      report = await run(seed);
    } catch (error) {
      failures.push(`seed ${seed} threw ${String(error)}\n  replay: SIM_SEED=${seed} npx vitest run test/${file}`);
      continue;
    }
    reports.push(report);
    const problems = [...report.violations, ...check(report)];
    if (problems.length > 0) {
      failures.push(`seed ${seed} (${report.peers} peers, ${report.topology}): ${problems.slice(0, 5).join("; ")}\n  replay: SIM_SEED=${seed} npx vitest run test/${file}`);
    }
  }
  expect(failures, failures.join("\n")).toEqual([]);
  return reports;
}

/** ceil(log2 n) + 2: the most anti-entropy rounds a cluster of n may need after healing. */
export function roundBound(peers: number): number {
  return Math.ceil(Math.log2(peers)) + 2;
}
