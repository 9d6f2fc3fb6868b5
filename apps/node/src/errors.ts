/**
 * The node's typed errors and the exit code each maps to. Every failure the CLI reports is an
 * `EideticaError` with a stable `code`; the exit code is chosen from that code.
 */
import { EideticaError, isEideticaError } from "@eidetica/core";

/** A command line that cannot be run: an unknown command or option, a missing or bad argument. */
export class UsageError extends EideticaError {
  readonly code = "USAGE";
}

/** Configuration (flags, environment, config file) or a data directory that cannot be used. */
export class ConfigError extends EideticaError {
  readonly code = "CONFIG";
}

/** The data directory holds no node yet (`eidetica init` creates one). */
export class NotInitializedError extends EideticaError {
  readonly code = "NOT_INITIALIZED";
}

/** The command needs a running node (`eidetica serve`) and none runs on this data directory. */
export class NotServingError extends EideticaError {
  readonly code = "NOT_SERVING";
}

/** A node already serves this data directory. */
export class AlreadyServingError extends EideticaError {
  readonly code = "ALREADY_SERVING";
}

/** The running node could not be reached, or answered something other than its admin protocol. */
export class AdminError extends EideticaError {
  readonly code = "ADMIN";
}

/**
 * Exit codes of `eidetica` (also in the README):
 * 0 success; 1 a failure while running (network, peer, sync); 2 a usage error (bad command,
 * option, argument or ticket); 3 a configuration or data-directory problem; 4 something named
 * does not exist (database, key, request); 5 access is waiting for an Admin's approval.
 */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2, config: 3, notFound: 4, pending: 5 });

const BY_CODE: Readonly<Record<string, number>> = {
  USAGE: EXIT.usage,
  MALFORMED: EXIT.usage,
  INVALID_TICKET: EXIT.usage,
  CONFIG: EXIT.config,
  NOT_INITIALIZED: EXIT.config,
  STORAGE: EXIT.config,
  STORAGE_CORRUPTED: EXIT.config,
  UNSUPPORTED_VERSION: EXIT.config,
  ALREADY_SERVING: EXIT.config,
  NOT_SERVING: EXIT.config,
  NOT_FOUND: EXIT.notFound,
  BOOTSTRAP_PENDING: EXIT.pending,
};

/** The exit code for an error: by its code for an `EideticaError`, else 1. */
export function exitCodeOf(error: unknown): number {
  return isEideticaError(error) ? (BY_CODE[error.code] ?? EXIT.failure) : EXIT.failure;
}

/** An error as the CLI shows it: its code and message, never a stack. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isEideticaError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: "INTERNAL", message: error.message };
  return { code: "INTERNAL", message: String(error) };
}
