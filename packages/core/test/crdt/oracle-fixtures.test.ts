/**
 * Checks this port against answers recorded from Eidetica's Rust CRDT code (see
 * test/crdt/oracle/: build.sh builds it, generate.ts records fixtures/rust-oracle.json).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidPathError, isEideticaError } from "../../src/errors/errors.js";
import { Doc, List, docFromJson, docFromJsonValue, docToJson, pathComponents } from "../../src/crdt/index.js";
import { parseJson } from "../../src/crdt/json-parse.js";
import { seededRandom } from "../../src/util/random.js";
import { testSeed } from "@eidetica/test-kit";
import { REJECT_CASES } from "./oracle/cases.js";
import type { OracleCommand, OracleReply } from "./oracle/oracle.js";

interface Case {
  readonly command: OracleCommand;
  readonly reply: OracleReply;
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/rust-oracle.json", import.meta.url), "utf8")) as {
  cases: Case[];
};
const byOp = <Op extends OracleCommand["op"]>(
  op: Op,
): { command: Extract<OracleCommand, { op: Op }>; reply: OracleReply }[] =>
  fixture.cases.filter((c) => c.command.op === op) as never;
const ok = (reply: OracleReply): unknown => {
  if ("err" in reply) throw new TypeError(`Rust failed: ${reply.err}`);
  return reply.ok;
};
const random = seededRandom(testSeed());

/** Reads a serde Value JSON text through a one-key document. */
function readValue(json: string) {
  return docFromJson(`{"children":{"v":${json}}}`).rawEntries()[0]?.[1] ?? null;
}

describe("byte-exact serde JSON (Rust round trip)", () => {
  const generated = byOp("roundtrip").filter((c) => !REJECT_CASES.some(([, text]) => text === c.command.doc));

  it(`writes exactly what Rust writes for ${generated.length} generated documents`, () => {
    expect(generated.length).toBeGreaterThan(100);
    for (const { command, reply } of generated) {
      expect(command.doc).toBe(ok(reply)); // our encoder's output is a fixed point of Rust's
      expect(docToJson(docFromJson(ok(reply) as string))).toBe(ok(reply));
    }
  });
});

describe("decoder cases against Rust", () => {
  const replies = new Map(byOp("roundtrip").map((c) => [c.command.doc, c.reply]));
  for (const [name, text, expected] of REJECT_CASES) {
    it(`${name}: ${expected}`, () => {
      const reply = replies.get(text);
      if (reply === undefined) throw new TypeError("fixture is missing this case; rerun generate.ts");
      let code = "ok";
      try {
        const doc = docFromJson(text);
        // Where both accept, both write the same canonical form.
        expect(docToJson(doc)).toBe(ok(reply));
      } catch (error) {
        if (!isEideticaError(error)) throw error;
        code = error.code;
      }
      expect(code).toBe(expected);
      // This port never accepts what Rust refuses.
      if ("err" in reply) expect(code).not.toBe("ok");
    });
  }

  it("docFromJsonValue agrees with docFromJson wherever JSON.parse keeps the information", () => {
    // JSON.parse turns 1.0, -0 and 1e3 into integers, keeps the last of two equal keys, and
    // rounds integers beyond 2^53, so the text decoder sees more than the value decoder.
    const lossy = /Int written as a float|Int -0|exponent|duplicate|i64::MIN, denominator|numerator as a float/;
    let compared = 0;
    for (const [name, text] of REJECT_CASES) {
      let plain: unknown;
      try {
        plain = JSON.parse(text);
      } catch {
        continue;
      }
      if (lossy.test(name)) continue;
      expect(
        attempt(() => docFromJsonValue(plain)),
        name,
      ).toEqual(attempt(() => docFromJson(text)));
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });
});

describe("merge against Rust", () => {
  const merges = byOp("merge");
  it(`folds ${merges.length} sequences of documents exactly as Rust`, () => {
    expect(merges.length).toBeGreaterThan(50);
    for (const { command, reply } of merges) {
      const folded = command.docs.map((text) => docFromJson(text)).reduce((acc, doc) => acc.merge(doc), new Doc());
      expect(docToJson(folded)).toBe(ok(reply));
    }
  });
});

describe("paths against Rust", () => {
  it("get and isTombstone", () => {
    for (const { command, reply } of byOp("get")) {
      const doc = docFromJson(command.doc);
      const answer = ok(reply) as { value: string | null; tombstone: boolean };
      const value = doc.get(command.path);
      if (answer.value === null) expect(value).toBeUndefined();
      else
        expect(value === undefined ? undefined : docToJson(new Doc().set("v", value))).toBe(
          docToJson(new Doc().set("v", readValue(answer.value))),
        );
      expect(doc.isTombstone(command.path)).toBe(answer.tombstone);
    }
  });

  it("set and delete (a path of dots only: Rust ignores the write, this port throws)", () => {
    for (const { command, reply } of [...byOp("set"), ...byOp("remove")]) {
      const doc = docFromJson(command.doc);
      const write = (): Doc =>
        command.op === "set" ? doc.set(command.path, readValue(command.value)) : doc.delete(command.path);
      if (pathComponents(command.path).length === 0) {
        expect(ok(reply)).toBe(command.doc);
        expect(write).toThrow(InvalidPathError);
      } else expect(docToJson(write())).toBe(ok(reply));
    }
  });
});

describe("list positions against Rust", () => {
  it("push and insert give Rust's fractions and order", () => {
    for (const { command, reply } of byOp("list")) {
      let list = new List();
      for (const op of command.ops) {
        if (op.op === "push") list = list.push(readValue(op.value), random);
        else if (op.op === "insert") list = list.insert(op.index, readValue(op.value), random);
        else list = list.remove(op.index);
      }
      const rust = parseJson(ok(reply) as string, 64) as [{ numerator: unknown; denominator: unknown }, unknown][];
      const ours = list.rawEntries();
      expect(ours.map(([p]) => `${p.numerator}/${p.denominator}`)).toEqual(
        rust.map(([p]) => `${String(p.numerator)}/${String(p.denominator)}`),
      );
      expect(ours.map(([, v]) => docToJson(new Doc().set("v", v)))).toEqual(
        rust.map(([, v]) => docToJson(docFromJsonValue({ children: { v } }))),
      );
    }
  });
});

function attempt(fn: () => Doc): string | { code: string } {
  try {
    return docToJson(fn());
  } catch (error) {
    if (!isEideticaError(error)) throw error;
    return { code: error.code };
  }
}
