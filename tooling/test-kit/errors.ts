import { expect } from "vitest";

// The brand every EideticaError carries (see @eidetica/core's errors), checked without
// importing core, so that this kit has no dependency on the packages it tests.
const ERROR_BRAND = Symbol.for("eidetica.error");

/** Runs `fn` and expects it to throw an EideticaError with `code`; returns the error. */
export function expectCode(fn: () => unknown, code: string): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected an error to be thrown").toBeDefined();
  const branded = typeof thrown === "object" && thrown !== null && (thrown as Record<symbol, unknown>)[ERROR_BRAND] === true;
  expect(branded, `expected an EideticaError, got ${String(thrown)}`).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
  return thrown as Error;
}
