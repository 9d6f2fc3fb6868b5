/**
 * Live differential test against Eidetica's Rust CRDT code. Runs only when
 * `EIDETICA_RUST_ORACLE` names the binary built by `test/crdt/oracle/build.sh`:
 *
 *   EIDETICA_RUST_ORACLE=$(bash test/crdt/oracle/build.sh) pnpm test:rust-oracle
 *
 * It is not part of `npm test` (which has no Rust toolchain); the recorded answers in
 * fixtures/rust-oracle.json are, through oracle-fixtures.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Doc, docFromJson, docToJson } from "../../../src/crdt/index.js";
import { fcParams } from "@eidetica/test-kit";
import { deepDocArb, docArb } from "../arbitraries.js";
import { type OracleCommand, runOracle } from "./oracle.js";

const binary = process.env["EIDETICA_RUST_ORACLE"];
const runs = Number(process.env["EIDETICA_ORACLE_RUNS"] ?? "300");

if (binary === undefined) {
  throw new Error("set EIDETICA_RUST_ORACLE to the binary that test/crdt/oracle/build.sh prints");
}

describe("live comparison with Rust", () => {
  const oracle = (commands: OracleCommand[]) => runOracle(binary ?? "", commands);

  it("Rust reads every document this port writes and writes the same bytes back", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(docArb(5), deepDocArb), { minLength: 1, maxLength: 50 }), (docs) => {
        const texts = docs.map(docToJson);
        const replies = oracle(texts.map((doc) => ({ op: "roundtrip", doc })));
        replies.forEach((reply, i) => expect(reply).toEqual({ ok: texts[i] }));
      }),
      fcParams(runs),
    );
  });

  it("merging any sequence of documents gives Rust's result", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(docArb(4), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 }),
        (groups) => {
          const replies = oracle(groups.map((g) => ({ op: "merge", docs: g.map(docToJson) })));
          replies.forEach((reply, i) => {
            const folded = (groups[i] ?? []).reduce((acc, doc) => acc.merge(doc), new Doc());
            expect(reply).toEqual({ ok: docToJson(folded) });
            if ("ok" in reply) expect(docFromJson(reply.ok as string).equals(folded)).toBe(true);
          });
        },
      ),
      fcParams(runs),
    );
  });
});
