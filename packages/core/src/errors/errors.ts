/**
 * The error hierarchy of every @eidetica package.
 *
 * Every error thrown by this project is an {@link EideticaError} with a stable string
 * {@link EideticaError.code}. Messages are written to be safe to show to a remote peer:
 * they never contain stack traces or secret material. Other packages extend the base class
 * with their own codes.
 */

const ERROR_BRAND = Symbol.for("eidetica.error");

/** Codes defined by `@eidetica/core`. Other packages add their own strings. */
export type CoreErrorCode =
  | "MALFORMED"
  | "LIMIT_EXCEEDED"
  | "ID_MISMATCH"
  | "BAD_SIGNATURE"
  | "INVALID_KEY"
  | "UNSUPPORTED_VERSION"
  | "CRDT_TYPE_MISMATCH"
  | "INVALID_PATH"
  | "UNAUTHORIZED"
  | "NOT_FOUND"
  | "WRONG_DATABASE"
  | "INVALID_STATE"
  | "STORE_TYPE_MISMATCH"
  | "VALIDATION_FAILED"
  | "BATCH_REJECTED"
  | "STORAGE"
  | "STORAGE_CORRUPTED";

/** Options accepted by every {@link EideticaError} constructor. */
export interface EideticaErrorOptions {
  /** The underlying error, kept for local diagnostics; never sent to a peer. */
  readonly cause?: unknown;
}

/**
 * Base class of every error this project throws.
 *
 * Check with {@link isEideticaError} rather than `instanceof` when the error may come from
 * another copy of the package; switch on {@link EideticaError.code}, which is stable.
 *
 * @example
 * ```ts
 * try {
 *   decodeWireEntry(json);
 * } catch (error) {
 *   if (isEideticaError(error) && error.code === "LIMIT_EXCEEDED") reject(peer);
 *   else throw error;
 * }
 * ```
 */
export abstract class EideticaError extends Error {
  /** A stable, machine-readable code such as `"MALFORMED"`. */
  abstract readonly code: string;

  readonly [ERROR_BRAND] = true;

  constructor(message: string, options?: EideticaErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  /** The form of this error that may be shown to a peer: code and message, no stack. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True if `value` is an {@link EideticaError} from any copy of any @eidetica package. */
export function isEideticaError(value: unknown): value is EideticaError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[ERROR_BRAND] === true;
}

/** Input does not have the required shape: wrong type, missing or extra field, bad encoding. */
export class MalformedError extends EideticaError {
  readonly code = "MALFORMED";
  /** Where in the input the problem was found, as a dotted path such as `tree.parents[2]`. */
  readonly path: string | undefined;

  constructor(message: string, path?: string, options?: EideticaErrorOptions) {
    super(path === undefined ? message : `${path}: ${message}`, options);
    this.path = path;
  }
}

/** Input is larger than one of the limits in {@link LIMITS}. Checked before any hashing or crypto. */
export class LimitExceededError extends EideticaError {
  readonly code = "LIMIT_EXCEEDED";

  constructor(
    /** Which limit, such as `"entryBytes"`; a key of {@link LIMITS} where one applies. */
    readonly limit: string,
    /** The largest value allowed. */
    readonly max: number,
    /** The value found, or a lower bound of it when counting stopped early. */
    readonly actual: number,
    options?: EideticaErrorOptions,
  ) {
    super(`${limit} is ${actual}, above the limit of ${max}`, options);
  }
}

/** A claimed ID does not match the ID recomputed from the content. */
export class IdMismatchError extends EideticaError {
  readonly code = "ID_MISMATCH";

  constructor(
    readonly expected: string,
    readonly actual: string,
    options?: EideticaErrorOptions,
  ) {
    super(`claimed ID ${expected} does not match the content's ID ${actual}`, options);
  }
}

/** A signature is missing where one is required, is malformed, or does not verify. */
export class BadSignatureError extends EideticaError {
  readonly code = "BAD_SIGNATURE";
}

/** A public or private key is not of the form `ed25519:<padded standard base64>`. */
export class InvalidKeyError extends EideticaError {
  readonly code = "INVALID_KEY";
}

/** A format version other than 0 was found (entries, docs and the protocol are all v0). */
export class UnsupportedVersionError extends EideticaError {
  readonly code = "UNSUPPORTED_VERSION";

  constructor(
    readonly what: string,
    readonly version: unknown,
    options?: EideticaErrorOptions,
  ) {
    super(`unsupported ${what} version ${String(version)}; only version 0 is known`, options);
  }
}

/** A CRDT operation met a value of the wrong type, such as indexing into text. */
export class CrdtTypeMismatchError extends EideticaError {
  readonly code = "CRDT_TYPE_MISMATCH";
}

/** A document path is invalid for the requested operation. */
export class InvalidPathError extends EideticaError {
  readonly code = "INVALID_PATH";
}

/** A key is not allowed to do what was asked: no grant, revoked, or too weak a permission. */
export class UnauthorizedError extends EideticaError {
  readonly code = "UNAUTHORIZED";
}

/** A database, entry or row that was asked for does not exist here. */
export class NotFoundError extends EideticaError {
  readonly code = "NOT_FOUND";
}

/** An entry belongs to another database than the one it was given for. */
export class WrongDatabaseError extends EideticaError {
  readonly code = "WRONG_DATABASE";
}

/** An object was used in a state that does not allow it, such as a committed transaction. */
export class InvalidStateError extends EideticaError {
  readonly code = "INVALID_STATE";
}

/** A store was opened as a type other than the one it was created with. */
export class StoreTypeMismatchError extends EideticaError {
  readonly code = "STORE_TYPE_MISMATCH";
}

/** A value did not pass an application-supplied validator (such as a table's schema). */
export class ValidationError extends EideticaError {
  readonly code = "VALIDATION_FAILED";
}

/** An all-or-nothing batch was refused because another of its entries failed or was missing. */
export class BatchRejectedError extends EideticaError {
  readonly code = "BATCH_REJECTED";
}

/** A storage backend failed (disk full, I/O error, locked file…). Nothing was half-written. */
export class StorageError extends EideticaError {
  readonly code: string = "STORAGE";

  constructor(
    message: string,
    /** The backend's own error code, such as `SQLITE_FULL`, when it gave one. */
    readonly storageCode?: string,
    options?: EideticaErrorOptions,
  ) {
    super(message, options);
  }
}

/** Stored bytes no longer match their ID: the entry is not served and can be fetched again. */
export class StorageCorruptedError extends StorageError {
  override readonly code = "STORAGE_CORRUPTED";
}
