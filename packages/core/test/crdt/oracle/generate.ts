/**
 * Regenerates `../fixtures/rust-oracle.json`: inputs produced by this port, answered by Rust.
 *
 *   ORACLE=$(bash test/crdt/oracle/build.sh) && npx tsx test/crdt/oracle/generate.ts "$ORACLE"
 *
 * The inputs come from fixed seeds, so regenerating gives the same file unless Rust's behaviour
 * (or this port's encoder) changed, except for the random UUIDs Rust gives new list positions
 * (the tests compare only their fractions).
 */
import { writeFileSync } from "node:fs";
import fc from "fast-check";
import { docToJson } from "../../../src/crdt/index.js";
import { deepDocArb, docArb } from "../arbitraries.js";
import { REJECT_CASES, PATH_POOL } from "./cases.js";
import { type ListOp, type OracleCommand, runOracle } from "./oracle.js";

const binary = process.argv[2];
if (binary === undefined) throw new TypeError("usage: generate.ts <oracle binary>");

const SEED = 20_240_101;
const docs = [
  ...fc.sample(docArb(4), { seed: SEED, numRuns: 120 }),
  ...fc.sample(deepDocArb, { seed: SEED + 1, numRuns: 30 }),
];
const texts = docs.map(docToJson);

const groups = fc.sample(fc.array(docArb(3), { minLength: 2, maxLength: 4 }), { seed: SEED + 2, numRuns: 100 });
const scalarValues = ['"Null"', '{"Int":7}', '{"Text":"x.y"}', '"Deleted"', '{"Doc":{"children":{"z":{"Bool":true}}}}'];
const pathDocs = fc
  .sample(docArb(2), { seed: SEED + 3, numRuns: 6 })
  .map((d) => docToJson(d.set("l", ["p", "q", { r: 1 }]).set("a.b", "ab")));

const listOps = fc.sample(
  fc.array(
    fc.oneof(
      fc.record({ op: fc.constant("push" as const), value: fc.constantFrom('{"Int":1}', '{"Text":"t"}') }),
      fc.record({
        op: fc.constant("insert" as const),
        index: fc.nat(12),
        value: fc.constantFrom('"Null"', '{"Bool":false}'),
      }),
    ),
    { minLength: 1, maxLength: 25 },
  ),
  { seed: SEED + 4, numRuns: 80 },
);

const commands: OracleCommand[] = [
  ...texts.map((doc): OracleCommand => ({ op: "roundtrip", doc })),
  ...groups.map((g): OracleCommand => ({ op: "merge", docs: g.map(docToJson) })),
  ...pathDocs.flatMap((doc) =>
    PATH_POOL.flatMap((path, i): OracleCommand[] => [
      { op: "get", doc, path },
      { op: "set", doc, path, value: scalarValues[i % scalarValues.length] ?? '"Null"' },
      { op: "remove", doc, path },
    ]),
  ),
  ...listOps.map((ops): OracleCommand => ({ op: "list", list: "[]", ops: clampIndexes(ops) })),
  ...REJECT_CASES.map(([, doc]): OracleCommand => ({ op: "roundtrip", doc })),
];
const replies = runOracle(binary, commands);

/** Rust refuses an insert past the end; keep indexes valid so that every sequence runs. */
function clampIndexes(ops: ListOp[]): ListOp[] {
  let length = 0;
  return ops.map((op) => {
    if (op.op === "push") length++;
    if (op.op !== "insert") return op;
    const index = op.index % (length + 1);
    length++;
    return { ...op, index };
  });
}

const cases = commands.map((command, i) => ({ command, reply: replies[i] }));
writeFileSync(
  new URL("../fixtures/rust-oracle.json", import.meta.url),
  `{"generatedBy":"test/crdt/oracle/generate.ts","eidetica":"4095d48","cases":[\n${cases.map((c) => JSON.stringify(c)).join(",\n")}\n]}\n`,
);
console.log(`wrote ${cases.length} cases`);
