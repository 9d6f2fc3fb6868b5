/**
 * Seeded wire fuzzer: 10,000 mutations of valid wire entries, structure-aware (wrong types,
 * missing and extra fields, oversized strings and arrays, deep nesting, reordering) and
 * byte-level (truncation, bit flips, invalid UTF-8). Every outcome must be a correct decode or
 * a typed EideticaError; both outcomes must occur. Replay with EIDETICA_SEED=<seed>.
 */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeWireEntry, isEideticaError, parseWireEntry, seededRandom, utf8 } from "../../src/index.js";
import { arbEntry } from "../support/arbitraries.js";
import { vectorEntries } from "../support/fixtures.js";
import { testSeed } from "@eidetica/test-kit";

const MUTATIONS = 10_000;
type Rng = ReturnType<typeof seededRandom>;
type Json = unknown;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.nextU32() % items.length]!;

/** Every [container, key] pair inside a JSON value, found iteratively. */
function slots(root: Json): [Record<string, Json> | Json[], string | number][] {
  const out: [Record<string, Json> | Json[], string | number][] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        out.push([value, i]);
        stack.push(item);
      });
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        out.push([value as Record<string, Json>, key]);
        stack.push(item);
      }
    }
  }
  return out;
}

const WRONG_VALUES: Json[] = [null, true, 0, -1, 1.5, 2 ** 53, 256, "", "x", [], {}, [[]], { a: 1 }, "Deleted"];

function mutateStructure(rng: Rng, value: Json): string {
  const all = slots(value);
  if (all.length === 0) return JSON.stringify(value);
  const [container, key] = pick(rng, all);
  const set = (v: Json) => ((container as Record<string | number, Json>)[key] = v);
  const current = (container as Record<string | number, Json>)[key];
  switch (rng.nextU32() % 9) {
    case 0:
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      break;
    case 1:
      if (Array.isArray(container)) container.push(pick(rng, WRONG_VALUES));
      else container[`extra${rng.nextU32() % 3}`] = pick(rng, WRONG_VALUES);
      break;
    case 2:
      set(pick(rng, WRONG_VALUES));
      break;
    case 3: // oversized string (rarely very large)
      set("s".repeat(rng.nextU32() % 200 === 0 ? 2 * 1024 * 1024 : 1 + (rng.nextU32() % 5000)));
      break;
    case 4: {
      // oversized array; a huge one holds a small item, since a million copies of a large object
      // would exceed the longest string V8 can build
      const huge = rng.nextU32() % 200 === 0;
      set(new Array(huge ? 1_100_000 : 65 + (rng.nextU32() % 100)).fill(huge ? 0 : (current ?? 0)));
      break;
    }
    case 5: {
      // deep nesting around the value
      let wrapped: Json = current;
      const depth = 1 + (rng.nextU32() % 100);
      for (let i = 0; i < depth; i++) wrapped = [wrapped];
      set(wrapped);
      break;
    }
    case 6: // reorder an array
      if (Array.isArray(current) && current.length > 1) current.reverse();
      else set(current);
      break;
    case 7: // duplicate an array item
      if (Array.isArray(container)) container.splice(key as number, 0, current);
      break;
    default:
      if (typeof current === "string" && current.length > 0) {
        const i = rng.nextU32() % current.length;
        set(current.slice(0, i) + String.fromCharCode(33 + (rng.nextU32() % 90)) + current.slice(i + 1));
      } else if (typeof current === "number") {
        set(current + (rng.nextU32() % 3) - 1);
      } else {
        set(pick(rng, WRONG_VALUES));
      }
  }
  return JSON.stringify(value);
}

function mutateBytes(rng: Rng, text: string): Uint8Array {
  const bytes = utf8(text);
  switch (rng.nextU32() % 4) {
    case 0:
      return bytes.subarray(0, rng.nextU32() % bytes.length);
    case 1: {
      const flips = 1 + (rng.nextU32() % 4);
      for (let i = 0; i < flips; i++) bytes[rng.nextU32() % bytes.length]! ^= 1 << (rng.nextU32() % 8);
      return bytes;
    }
    case 2: {
      const bad = pick(rng, [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80]]);
      const at = rng.nextU32() % bytes.length;
      return new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at)]);
    }
    default: {
      const from = rng.nextU32() % bytes.length;
      const slice = bytes.subarray(from, from + (rng.nextU32() % 40));
      return new Uint8Array([...bytes, ...slice]);
    }
  }
}

describe("wire fuzzer", () => {
  it(`${MUTATIONS} mutations decode correctly or fail with a typed error`, () => {
    const seed = testSeed();
    const rng = seededRandom(seed);
    const { v1, v2, v3, v4 } = vectorEntries();
    const corpus = [v1, v2, v3, v4, ...fc.sample(arbEntry, { seed, numRuns: 40 })].map((e) => encodeWireEntry(e));
    const outcomes = { decoded: 0, rejected: 0 };
    const codes = new Map<string, number>();

    for (let i = 0; i < MUTATIONS; i++) {
      const base = pick(rng, corpus);
      let input: string | Uint8Array;
      try {
        input = rng.nextU32() % 2 === 0 ? mutateStructure(rng, JSON.parse(base) as Json) : mutateBytes(rng, base);
      } catch (error) {
        throw new Error(`building mutation ${i} failed; replay with EIDETICA_SEED=${seed}`, { cause: error });
      }
      try {
        const entry = parseWireEntry(input);
        // A correct decode re-encodes to a text that decodes to the same ID.
        expect(parseWireEntry(encodeWireEntry(entry)).id, `seed ${seed}, mutation ${i}`).toBe(entry.id);
        outcomes.decoded++;
      } catch (error) {
        if (!isEideticaError(error)) {
          if (process.env["FUZZ_DEBUG"]) console.log(input, error);
          throw new Error(`mutation ${i} threw a non-Eidetica error; replay with EIDETICA_SEED=${seed}`, {
            cause: error,
          });
        }
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
        outcomes.rejected++;
      }
    }
    expect(outcomes.decoded + outcomes.rejected).toBe(MUTATIONS);
    expect(outcomes.decoded, `seed ${seed}`).toBeGreaterThan(0);
    expect(outcomes.rejected, `seed ${seed}`).toBeGreaterThan(0);
    expect(codes.get("MALFORMED"), `seed ${seed}`).toBeGreaterThan(0);
    expect(codes.get("LIMIT_EXCEEDED"), `seed ${seed}`).toBeGreaterThan(0);
  });
});
