/**
 * Permissions (spec 4.2): `Read` < every `Write` < every `Admin`; within a level a lower
 * priority number is stronger, so `Admin(0)` is the strongest permission.
 */
import { Doc } from "../crdt/doc.js";
import { MalformedError } from "../errors/errors.js";

/** A permission level with its priority (Read has none). */
export type Permission =
  | { readonly level: "Admin"; readonly priority: number }
  | { readonly level: "Write"; readonly priority: number }
  | { readonly level: "Read" };

/** `Admin(priority)`. */
export const admin = (priority = 0): Permission => ({ level: "Admin", priority });
/** `Write(priority)`. */
export const write = (priority = 0): Permission => ({ level: "Write", priority });
/** `Read`. */
export const READ: Permission = Object.freeze({ level: "Read" });

const RANK = { Read: 0, Write: 1, Admin: 2 } as const;

/** Orders permissions from weakest to strongest: negative if `a` is weaker than `b`. */
export function comparePermissions(a: Permission, b: Permission): number {
  if (a.level !== b.level) return RANK[a.level] - RANK[b.level];
  if (a.level === "Read" || b.level === "Read") return 0;
  return b.priority - a.priority;
}

/** True if `held` is at least as strong as `needed`. */
export function permits(held: Permission, needed: Permission): boolean {
  return comparePermissions(held, needed) >= 0;
}

/** Write or Admin. */
export function canWrite(permission: Permission): boolean {
  return permission.level !== "Read";
}

/** Admin. */
export function canAdmin(permission: Permission): boolean {
  return permission.level === "Admin";
}

/** The settings Doc form: `{type: "Admin"|"Write"|"Read", priority?: Int}`. */
export function permissionToDoc(permission: Permission): Doc {
  const doc = Doc.from({ type: permission.level });
  return permission.level === "Read" ? doc : doc.set("priority", permission.priority);
}

/**
 * Reads the settings Doc form.
 * @throws {MalformedError} if the type is unknown or a priority is missing or out of range.
 */
export function permissionFromDoc(doc: Doc, path = "permissions"): Permission {
  const type = doc.getText("type");
  if (type === "Read") return READ;
  if (type !== "Admin" && type !== "Write") throw new MalformedError(`unknown permission type ${JSON.stringify(type)}`, path);
  const priority = doc.getInt("priority");
  if (priority === undefined || priority < 0 || priority > 0xffffffff) {
    throw new MalformedError("a priority must be an integer from 0 to 2^32 - 1", `${path}.priority`);
  }
  return { level: type, priority };
}

/** The sync-wire JSON form, externally tagged: `{"Admin":0}`, `{"Write":5}` or `"Read"`. */
export function permissionToWire(permission: Permission): unknown {
  return permission.level === "Read" ? "Read" : { [permission.level]: permission.priority };
}

/**
 * Reads the sync-wire JSON form.
 * @throws {MalformedError} on any other shape.
 */
export function permissionFromWire(value: unknown, path = "permission"): Permission {
  if (value === "Read") return READ;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const level = keys[0];
    const priority = (value as Record<string, unknown>)[level ?? ""];
    if (
      keys.length === 1 &&
      (level === "Admin" || level === "Write") &&
      typeof priority === "number" &&
      Number.isInteger(priority) &&
      priority >= 0 &&
      priority <= 0xffffffff
    ) {
      return { level, priority };
    }
  }
  throw new MalformedError('expected "Read", {"Write":n} or {"Admin":n}', path);
}

/** Human-readable form such as `Admin(0)` or `Read`. */
export function formatPermission(permission: Permission): string {
  return permission.level === "Read" ? "Read" : `${permission.level}(${permission.priority})`;
}
