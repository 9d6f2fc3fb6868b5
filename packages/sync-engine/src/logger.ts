/** The logger sync writes to: inject your own (pino, console, a test spy). */

/** Structured fields of a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A logger: four levels, a message and structured fields. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Logs nothing. */
export const silentLogger: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

/**
 * The default: warnings and errors to `console.warn` / `console.error`, nothing else, so a
 * failure is never swallowed silently.
 */
export const consoleLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn: (message: string, fields?: LogFields) => console.warn(`eidetica: ${message}`, fields ?? {}),
  error: (message: string, fields?: LogFields) => console.error(`eidetica: ${message}`, fields ?? {}),
});
