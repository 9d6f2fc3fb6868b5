/**
 * Guards for parsing untrusted JSON: size and nesting depth are checked on the raw text,
 * in one iterative pass, before `JSON.parse` builds anything.
 */
import { LimitExceededError, MalformedError } from "../errors/errors.js";
import { LIMITS } from "../limits.js";
import { fromUtf8 } from "./bytes.js";

/** Limits for {@link parseJsonLimited}. */
export interface JsonLimits {
  /** Largest input in bytes (UTF-8). Default {@link LIMITS.messageBytes}. */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays and objects. Default {@link LIMITS.jsonDepth}. */
  readonly maxDepth?: number;
}

/**
 * Returns the deepest nesting of arrays and objects in JSON text, stopping as soon as it
 * passes `stopAbove`. Brackets inside strings are skipped. The text need not be valid JSON.
 */
export function jsonDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Parses untrusted JSON after checking its size and depth.
 *
 * @throws {LimitExceededError} `messageBytes` or `jsonDepth` when a limit is passed.
 * @throws {MalformedError} when the text is not valid UTF-8 or not valid JSON.
 */
export function parseJsonLimited(input: string | Uint8Array, limits: JsonLimits = {}): unknown {
  const maxBytes = limits.maxBytes ?? LIMITS.messageBytes;
  const maxDepth = limits.maxDepth ?? LIMITS.jsonDepth;
  let text: string;
  if (typeof input === "string") {
    // A UTF-16 unit is at most 3 UTF-8 bytes; measure exactly only when it could matter.
    if (input.length * 3 > maxBytes) {
      const bytes = new TextEncoder().encode(input).length;
      if (bytes > maxBytes) throw new LimitExceededError("messageBytes", maxBytes, bytes);
    }
    text = input;
  } else {
    if (input.length > maxBytes) throw new LimitExceededError("messageBytes", maxBytes, input.length);
    text = fromUtf8(input);
  }
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth) throw new LimitExceededError("jsonDepth", maxDepth, depth);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedError("invalid JSON", undefined, { cause: error });
  }
}
