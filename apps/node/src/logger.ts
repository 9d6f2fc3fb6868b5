/**
 * Structured logs on pino: one JSON object per line on standard error, so that standard output
 * carries only what a command prints. Sync's {@link Logger} interface on top.
 */
import pino from "pino";
import type { Logger } from "@eidetica/sync-engine";
import type { LogLevel } from "./config.js";

/** A pino logger writing JSON lines to standard error, and the same as sync's `Logger`. */
export function nodeLogger(level: LogLevel, bindings: Record<string, unknown> = {}): { pino: pino.Logger; logger: Logger } {
  const base = pino({ level, base: { pid: process.pid, ...bindings } }, pino.destination({ fd: 2, sync: true }));
  return {
    pino: base,
    logger: {
      debug: (message, fields) => base.debug(fields ?? {}, message),
      info: (message, fields) => base.info(fields ?? {}, message),
      warn: (message, fields) => base.warn(fields ?? {}, message),
      error: (message, fields) => base.error(fields ?? {}, message),
    },
  };
}
