import { expect } from "vitest";
import { isEideticaError } from "@eidetica/core";

/** Runs `fn` and expects it to throw an EideticaError with `code`; returns the error. */
export function expectCode(fn: () => unknown, code: string): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected an error to be thrown").toBeDefined();
  expect(isEideticaError(thrown), `expected an EideticaError, got ${String(thrown)}`).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
  return thrown as Error;
}
