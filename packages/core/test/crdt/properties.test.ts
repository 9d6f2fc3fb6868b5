/**
 * Property tests of the CRDT document. The laws checked here, and why these and not others, are
 * explained in src/crdt/merge.ts: merge is last-writer-wins in merge order, so it is not
 * commutative for conflicting writes, and with Rust's rules it is associative only on
 * "type-stable" documents. What the system relies on is that a store's state is a left fold of
 * its entries in one fixed (height, ID) order; the laws below make that fold robust to how the
 * entries arrived (duplicates, re-delivery, caching of prefixes).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isEideticaError } from "../../src/errors/errors.js";
import { Doc, List, docFromJson, docToJson } from "../../src/crdt/index.js";
import { seededRandom } from "../../src/util/random.js";
import { fcParams } from "@eidetica/test-kit";
import { deepDocArb, docArb, splitDoc, stableDocArb } from "./arbitraries.js";

// EIDETICA_PROPERTY_RUNS raises the number of runs for a longer hunt (the default keeps the suite fast).
const RUNS = Number(process.env["EIDETICA_PROPERTY_RUNS"] ?? "1000");
const anyDoc = fc.oneof({ weight: 3, arbitrary: docArb(4) }, { weight: 1, arbitrary: deepDocArb });
const same = (a: Doc, b: Doc): void => {
  if (!a.equals(b)) expect(docToJson(a)).toBe(docToJson(b)); // shows the difference
  expect(a.equals(b)).toBe(true);
};

describe("JSON codec", () => {
  it("round-trips every document exactly", () => {
    fc.assert(
      fc.property(anyDoc, (doc) => {
        const json = docToJson(doc);
        const back = docFromJson(json);
        same(back, doc);
        expect(docToJson(back)).toBe(json);
        expect(() => JSON.parse(json) as unknown).not.toThrow();
        expect(doc.jsonDepth).toBeLessThanOrEqual(64);
      }),
      fcParams(RUNS),
    );
  });

  it("never throws anything but a typed error on corrupted input", () => {
    const corrupted = fc
      .tuple(
        docArb(3),
        fc.nat(),
        fc.constantFrom("", "{", "}", "[", "]", '"', ",", ":", "0", "-", "x", "\\", "\uD800", "1.5"),
      )
      .map(([doc, at, insert]) => {
        const json = docToJson(doc);
        const i = at % (json.length + 1);
        return json.slice(0, i) + insert + json.slice(i + 1);
      });
    fc.assert(
      fc.property(corrupted, (text) => {
        try {
          docToJson(docFromJson(text));
        } catch (error) {
          expect(isEideticaError(error)).toBe(true);
        }
      }),
      fcParams(RUNS),
    );
  });

  it("shows the live content as plain JSON", () => {
    fc.assert(
      fc.property(anyDoc, (doc) => {
        expect(JSON.parse(JSON.stringify(doc))).toEqual(doc.toPlain());
        expect(Object.keys(doc.toPlain())).toEqual(doc.keys());
      }),
      fcParams(RUNS),
    );
  });
});

describe("merge laws", () => {
  it("identity: the empty doc changes nothing on either side", () => {
    fc.assert(
      fc.property(anyDoc, (a) => {
        same(a.merge(new Doc()), a);
        same(new Doc().merge(a), a);
      }),
      fcParams(RUNS),
    );
  });

  it("idempotence: a ⊕ a = a", () => {
    fc.assert(
      fc.property(anyDoc, (a) => same(a.merge(a), a)),
      fcParams(RUNS),
    );
  });

  it("duplicate delivery is harmless: (a ⊕ b) ⊕ b = a ⊕ b = a ⊕ (a ⊕ b)", () => {
    fc.assert(
      fc.property(docArb(4), docArb(4), (a, b) => {
        const ab = a.merge(b);
        same(ab.merge(b), ab);
        same(a.merge(ab), ab);
      }),
      fcParams(RUNS),
    );
  });

  it("associativity on type-stable documents: (a ⊕ b) ⊕ c = a ⊕ (b ⊕ c)", () => {
    fc.assert(
      fc.property(stableDocArb(), stableDocArb(), stableDocArb(), (a, b, c) => {
        same(a.merge(b).merge(c), a.merge(b.merge(c)));
      }),
      fcParams(RUNS),
    );
  });

  it("commutativity without conflicts: any split of a doc merges back in either order", () => {
    fc.assert(
      fc.property(docArb(4), fc.integer(), (doc, seed) => {
        const whole = Doc.fromEntries(doc.rawEntries()); // the top level must not be atomic
        const [a, b] = splitDoc(whole, seed);
        same(a.merge(b), whole);
        same(b.merge(a), whole);
      }),
      fcParams(RUNS),
    );
  });

  it("a set of writes folded in (height, ID) order gives one state whatever the delivery order", () => {
    const writes = fc.uniqueArray(
      fc.tuple(
        fc.nat(5),
        fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, "0")),
        docArb(3),
      ),
      {
        maxLength: 8,
        selector: ([height, id]) => `${height}:${id}`,
      },
    );
    const byHeightThenId = (x: [number, string, Doc], y: [number, string, Doc]): number =>
      x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
    fc.assert(
      fc.property(
        writes.chain((ws) =>
          fc.tuple(fc.constant(ws), fc.shuffledSubarray(ws, { minLength: ws.length, maxLength: ws.length })),
        ),
        ([canonical, delivered]) => {
          const before = delivered.map(([, , doc]) => docToJson(doc));
          const fold = (ws: [number, string, Doc][]): Doc =>
            [...ws].sort(byHeightThenId).reduce((s, [, , d]) => s.merge(d), new Doc());
          same(fold(delivered), fold(canonical));
          // a cached prefix state continues to the same result
          const sorted = [...canonical].sort(byHeightThenId);
          const half = Math.floor(sorted.length / 2);
          same(
            sorted.slice(half).reduce((s, [, , d]) => s.merge(d), fold(sorted.slice(0, half))),
            fold(canonical),
          );
          expect(delivered.map(([, , doc]) => docToJson(doc))).toEqual(before); // inputs untouched
        },
      ),
      fcParams(RUNS),
    );
  });
});

describe("lists against an array model", () => {
  type Op = { kind: "push" | "insert" | "set" | "remove"; at: number; value: number };
  const op = fc.record({
    kind: fc.constantFrom("push", "insert", "insert", "set", "remove", "remove"),
    at: fc.nat(),
    value: fc.integer(),
  }) as fc.Arbitrary<Op>;

  const check = (start: number[], ops: Op[], seed: number): void => {
    const random = seededRandom(seed);
    let list = List.from(start, random);
    const model = [...start];
    for (const { kind, at, value } of ops) {
      if (kind === "push") {
        list = list.push(value, random);
        model.push(value);
      } else if (kind === "insert") {
        const i = at % (model.length + 1);
        list = list.insert(i, value, random);
        model.splice(i, 0, value);
        expect(list.get(i)).toBe(value);
      } else if (model.length > 0) {
        const i = at % model.length;
        list = kind === "set" ? list.set(i, value, random) : list.remove(i);
        if (kind === "set") model[i] = value;
        else model.splice(i, 1);
      }
    }
    expect(list.values()).toEqual(model);
    expect(list.length).toBe(model.length);
    const doc = new Doc().set("l", list);
    same(docFromJson(docToJson(doc)), doc);
  };

  it("push, insert, set and remove keep the order of a plain array (tombstones included)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 5 }), fc.array(op, { maxLength: 40 }), fc.integer(), check),
      fcParams(RUNS),
    );
  });

  it("the same holds for lists of thousands of items", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 4000 }), fc.array(op, { maxLength: 30 }), fc.integer(), (n, ops, seed) =>
        check(
          Array.from({ length: n }, (_, i) => i),
          ops,
          seed,
        ),
      ),
      fcParams(15),
    );
  });
});
