/**
 * Checks for decoding untrusted, already-parsed JSON values into typed fields. Each throws a
 * {@link MalformedError} naming the path of the offending value, or a
 * {@link LimitExceededError} before copying anything too large.
 */
import { LimitExceededError, MalformedError } from "../errors/errors.js";

/** A parsed JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Expects an object whose keys are all in `allowed` and that has every key in `required`.
 * @throws {MalformedError} on another type, an unknown key, or a missing key.
 */
export function expectObject(
  value: unknown,
  path: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): JsonObject {
  if (!isJsonObject(value)) throw new MalformedError(`expected an object, found ${describe(value)}`, path);
  for (const key in value) {
    if (!allowed.includes(key)) throw new MalformedError(`unknown field ${JSON.stringify(key.slice(0, 64))}`, path);
  }
  for (const key of required) {
    if (!(key in value)) throw new MalformedError(`missing field ${JSON.stringify(key)}`, path);
  }
  return value;
}

/** Expects a string. */
export function expectString(value: unknown, path: string): string {
  if (typeof value !== "string") throw new MalformedError(`expected a string, found ${describe(value)}`, path);
  return value;
}

/** Expects a boolean. */
export function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw new MalformedError(`expected a boolean, found ${describe(value)}`, path);
  return value;
}

/** Expects a non-negative integer no larger than `max` (at most 2^53 - 1). */
export function expectUint(value: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new MalformedError(`expected a non-negative integer, found ${describe(value)}`, path);
  }
  if (value > max || !Number.isSafeInteger(value)) {
    throw new MalformedError(`integer ${value} is above the largest supported value ${max}`, path);
  }
  return value;
}

/**
 * Expects an array of at most `maxLength` items (checked before looking at any item).
 * @throws {LimitExceededError} `limit` when the array is longer.
 */
export function expectArray(value: unknown, path: string, maxLength: number, limit: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new MalformedError(`expected an array, found ${describe(value)}`, path);
  if (value.length > maxLength) throw new LimitExceededError(limit, maxLength, value.length);
  return value;
}

/**
 * Expects bytes in serde_json's forms: an array of integers 0..255, or a string (its UTF-8).
 * @throws {LimitExceededError} `limit` when there are more than `maxLength` bytes.
 */
export function expectBytes(value: unknown, path: string, maxLength: number, limit: string): Uint8Array {
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    if (bytes.length > maxLength) throw new LimitExceededError(limit, maxLength, bytes.length);
    return bytes;
  }
  const items = expectArray(value, path, maxLength, limit);
  const out = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== "number" || !Number.isInteger(item) || item < 0 || item > 255) {
      throw new MalformedError(`expected a byte (0..255), found ${describe(item)}`, `${path}[${i}]`);
    }
    out[i] = item;
  }
  return out;
}

/** A short, safe description of a value's type for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? `integer ${value}` : "a non-integer number";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}
