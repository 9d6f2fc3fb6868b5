/** Running core's validators with JSON-pointer paths, and turning their errors into SchemaErrors. */
import { MalformedError, InvalidKeyError, parsePublicKey, type PublicKeyText } from "@eidetica/core";
import { SchemaError } from "./errors.js";

/** `/a/b` + `c` → `/a/b/c`, escaping `~` and `/` as RFC 6901 says. */
export function child(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

/** Core paths (`/SendEntries/0.tree.parents[2]`) as JSON pointers (`/SendEntries/0/tree/parents/2`). */
export function toPointer(path: string): string {
  const pointer = path.replace(/\[(\d+)\]/g, "/$1").replaceAll(".", "/");
  return pointer.startsWith("/") ? pointer : `/${pointer}`;
}

/**
 * Runs `fn`; a core `MalformedError` (shape) becomes a {@link SchemaError} with a pointer.
 * With `relative`, the error's path is inside the value at `pointer` (as for Docs, whose
 * reader does not know where the Doc sits).
 */
export function schema<T>(pointer: string, fn: () => T, relative = false): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof MalformedError) {
      const at = error.path === undefined ? pointer : relative ? `${pointer}${toPointer(error.path)}` : toPointer(error.path);
      const message = error.path === undefined ? error.message : error.message.slice(error.path.length + 2);
      throw new SchemaError(message, at, { cause: error });
    }
    throw error;
  }
}

/** A public key text, checked. */
export function publicKeyAt(value: unknown, pointer: string): PublicKeyText {
  if (typeof value !== "string") throw new SchemaError("expected a public key string", pointer);
  try {
    parsePublicKey(value);
  } catch (error) {
    if (error instanceof InvalidKeyError) throw new SchemaError(error.message, pointer, { cause: error });
    throw error;
  }
  return value;
}
