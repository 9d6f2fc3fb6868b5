/**
 * Talks to the Rust oracle built by `build.sh` (Eidetica's own CRDT code behind a line-oriented
 * JSON protocol). Used by `generate.ts` and, when `EIDETICA_RUST_ORACLE` is set, by
 * `oracle-live.test.ts`.
 */
import { execFileSync } from "node:child_process";

/** One command to the oracle; see `main.rs`. */
export type OracleCommand =
  | { op: "roundtrip"; doc: string }
  | { op: "merge"; docs: string[] }
  | { op: "set"; doc: string; path: string; value: string }
  | { op: "remove"; doc: string; path: string }
  | { op: "get"; doc: string; path: string }
  | { op: "list"; list: string; ops: ListOp[] };

/** A list operation for the `list` command. */
export type ListOp =
  { op: "push"; value: string } | { op: "insert"; index: number; value: string } | { op: "remove"; index: number };

/** The oracle's answer: `ok` with a result, or `err` with serde's message. */
export type OracleReply = { ok: unknown } | { err: string };

/** Runs a batch of commands through the oracle binary at `binary`. */
export function runOracle(binary: string, commands: readonly OracleCommand[]): OracleReply[] {
  const input = commands.map((c) => JSON.stringify(c)).join("\n") + "\n";
  const output = execFileSync(binary, { input, maxBuffer: 1 << 28, encoding: "utf8" });
  const replies =
    output.trim() === ""
      ? []
      : output
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as OracleReply);
  if (replies.length !== commands.length)
    throw new TypeError(`oracle answered ${replies.length} of ${commands.length}`);
  return replies;
}
